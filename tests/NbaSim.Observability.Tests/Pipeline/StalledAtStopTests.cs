using Microsoft.Extensions.Logging.Testing;
using NbaSim.Observability.Aggregation;
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
    public async Task The_stalled_thread_has_cells_even_while_other_threads_hold_every_slot_with_cells()
    {
        // A parallel test run with more live recording threads than MaxSlots gave the stalled thread a slot without cells
        // (it recorded through the stripes, which a stop reads at once): the test above then saw 0 left behind (CI, stop 40).
        var ct = TestContext.Current.CancellationToken;
        var warm = new MetricRegistry().Counter(Ns, "Holders", MetricUnit.Count, default);
        using var release = new ManualResetEventSlim();
        var holders = new List<Thread>();
        var highest = -1;
        while (Volatile.Read(ref highest) < RecordingThread.MaxSlots && holders.Count < 8 * RecordingThread.MaxSlots)
        {
            using var registered = new ManualResetEventSlim();
            var holder = new Thread(
                () =>
                {
                    warm.Add(1);
                    InterlockedMax(ref highest, RecordingThread.Current!.Slot);
                    registered.Set();
                    release.Wait();
                },
                128 * 1024)
            {
                IsBackground = true,
            };
            holders.Add(holder);
            holder.Start();
            registered.Wait(ct);
        }

        highest.Should().BeGreaterThanOrEqualTo(RecordingThread.MaxSlots, "every slot with cells is held now");
        var releaser = Task.Run(
            async () =>
            {
                await Task.Delay(300, ct);
                release.Set();
            },
            ct);

        try
        {
            await The_samples_a_stalled_thread_keeps_at_the_stop_are_counted_and_logged_and_the_rest_are_sent();
        }
        finally
        {
            release.Set(); // also when the test failed before the releaser ran
            await releaser;
            holders.ForEach(t => t.Join());
        }
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

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
