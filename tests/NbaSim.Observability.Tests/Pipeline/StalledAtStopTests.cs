using Microsoft.Extensions.Logging.Testing;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Pipeline;

/// <summary>
/// A thread suspended inside a recording when the process stops: its cell cannot be read safely, so its samples are not
/// sent; the stop counts them (<see cref="ObservabilityDiagnostics.SamplesLeftBehind"/>) and logs them, never silently.
/// </summary>
[Collection(nameof(NbaSim.Observability.Tests.Aggregation.RecordingThreadsSerial))]
public sealed class StalledAtStopTests
{
    private const string Ns = "NBA-Simulator/StalledAtStop";

    [Fact]
    public async Task The_samples_a_stalled_thread_keeps_at_the_stop_are_counted_and_logged_and_the_rest_are_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        var logger = new FakeLogger<MetricRegistry>();
        var registry = new MetricRegistry(logger: logger);
        var counter = registry.Counter(Ns, "Calls", MetricUnit.Count, default);
        var latency = registry.Distribution(Ns, "Latency", MetricUnit.Milliseconds, default);
        var exporter = new CapturingExporter();
        var sink = new BufferedMetricSink(registry, exporter, new NbaObservabilityOptions());
        sink.Start();

        using var stalled = StalledRecorder.Start(
            () =>
            {
                for (var i = 0; i < 40; i++)
                {
                    counter.Add(1);
                }

                for (var i = 1; i <= 25; i++)
                {
                    latency.Record(i);
                }
            },
            ct);
        counter.Add(3); // this thread's, sent as usual
        await sink.DisposeAsync();

        registry.GetDiagnostics().SamplesLeftBehind.Should().Be(65, "40 counter and 25 distribution samples sat in the suspended thread's cells");
        logger.Collector.GetSnapshot().Should().ContainSingle(l => l.Message.StartsWith("65 metric sample(s) were not sent", StringComparison.Ordinal));
        exporter.Datums.Where(d => d.MetricName == "Calls").Sum(d => d.StatisticValues!.Value.Sum).Should().Be(3);
        exporter.Datums.Should().NotContain(d => d.MetricName == "Latency");
    }

    [Fact]
    public async Task An_ordinary_stop_leaves_nothing_behind_and_logs_nothing_about_it()
    {
        var logger = new FakeLogger<MetricRegistry>();
        var registry = new MetricRegistry(logger: logger);
        var counter = registry.Counter(Ns, "Calls", MetricUnit.Count, default);
        var exporter = new CapturingExporter();
        var sink = new BufferedMetricSink(registry, exporter, new NbaObservabilityOptions());
        sink.Start();
        var thread = new Thread(() =>
        {
            for (var i = 0; i < 40; i++)
            {
                counter.Add(1);
            }
        });
        thread.Start();
        thread.Join();
        counter.Add(3);

        await sink.DisposeAsync();

        registry.GetDiagnostics().SamplesLeftBehind.Should().Be(0);
        logger.Collector.GetSnapshot().Should().NotContain(l => l.Message.Contains("were not sent", StringComparison.Ordinal));
        exporter.Datums.Where(d => d.MetricName == "Calls").Sum(d => d.StatisticValues!.Value.Sum).Should().Be(43);
    }
}
