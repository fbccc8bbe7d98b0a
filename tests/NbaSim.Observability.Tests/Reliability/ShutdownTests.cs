using System.Diagnostics;
using Microsoft.Extensions.Logging.Testing;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Reliability;

/// <summary>Stopping is bounded by ShutdownTimeout (+1 s) whatever the exporter or a callback does, and says what it could not deliver.</summary>
public sealed class ShutdownTests : IDisposable
{
    /// <summary>
    /// What a stop may take beyond <c>ShutdownTimeout</c>: the code's own 250-ms abort, plus scheduling on a busy 2-core
    /// machine. A stop that waited for the hung work, or waited twice, still fails.
    /// </summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nbasim-shutdown-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task An_exporter_that_hangs_and_ignores_cancellation_cannot_hold_the_shutdown()
    {
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromSeconds(3) };
        var registry = new MetricRegistry(options);
        var logger = new FakeLogger<BufferedMetricSink>();
        var sink = new BufferedMetricSink(registry, new HangingExporter(), options, logger);
        sink.Start();
        for (var i = 0; i < 10; i++)
        {
            registry.Counter("NBA-Simulator/ADCE", $"M{i}").Increment();
        }

        var watch = Stopwatch.StartNew();
        await sink.StopAsync(TestContext.Current.CancellationToken);
        watch.Stop();

        watch.Elapsed.Should().BeLessThan(options.ShutdownTimeout + Margin);
        registry.GetDiagnostics().DatumsDropped.Should().Be(10, "what could not be delivered is counted");
        logger.Collector.GetSnapshot().Should().Contain(l => l.Message.Contains("10 datum(s) could not be delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_export_of_the_background_loop_that_hangs_cannot_hold_the_shutdown_either()
    {
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromSeconds(3) };
        var registry = new MetricRegistry(options);
        var exporter = new HangingExporter();
        var sink = new BufferedMetricSink(registry, exporter, options);
        sink.Start();
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < options.MaxDatumsPerBatch; i++)
        {
            registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/ADCE", $"M{i}", i, MetricUnit.Count, at));
        }

        // A full batch wakes the publisher loop, whose export then hangs.
        SpinWait.SpinUntil(() => exporter.Calls > 0, TimeSpan.FromSeconds(60)).Should().BeTrue();
        var watch = Stopwatch.StartNew();
        await sink.DisposeAsync();
        watch.Stop();

        watch.Elapsed.Should().BeLessThan(options.ShutdownTimeout + Margin);
        registry.GetDiagnostics().DatumsDropped.Should().Be(options.MaxDatumsPerBatch, "the batch whose outcome is unknown is counted");
    }

    [Fact]
    public async Task With_the_spool_on_what_a_hung_exporter_did_not_deliver_stays_on_disk_for_the_next_start()
    {
        var spool = Path.Combine(_dir.FullName, "spool");
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromSeconds(3) };
        options.Spool.Directory = spool;
        var registry = new MetricRegistry(options);
        var sink = new BufferedMetricSink(registry, new HangingExporter(), options);
        sink.Start();
        registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted").Add(5);

        var watch = Stopwatch.StartNew();
        await sink.DisposeAsync();
        watch.Elapsed.Should().BeLessThan(options.ShutdownTimeout + Margin);
        registry.GetDiagnostics().DatumsDropped.Should().Be(0, "nothing is lost: it is on disk");

        var next = new CapturingExporter();
        var nextRegistry = new MetricRegistry(options);
        await using (var restarted = new BufferedMetricSink(nextRegistry, next, options))
        {
            await restarted.ForceFlushAsync(TestContext.Current.CancellationToken);
        }

        next.Datums.Where(d => d.MetricName == "ADCETasksCompleted").Sum(d => d.StatisticValues!.Value.Sum).Should().Be(5);
        Directory.GetFiles(spool, "*.spool").Should().BeEmpty();
    }

    [Fact]
    public async Task A_gauge_callback_that_never_returns_cannot_hold_the_shutdown()
    {
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromSeconds(3), ObservableGaugeTimeout = TimeSpan.FromSeconds(30) };
        var registry = new MetricRegistry(options);
        var exporter = new CapturingExporter();
        using var never = new ManualResetEventSlim();
        var sink = new BufferedMetricSink(registry, exporter, options);
        using var gauge = registry.ObservableGauge("NBA-Simulator/ADCE", "ADCEQueueDepth", MetricUnit.Count, (Func<double>)(() =>
        {
            never.Wait();
            return 1d;
        }), default);
        sink.Start();

        try
        {
            var watch = Stopwatch.StartNew();
            await sink.StopAsync(TestContext.Current.CancellationToken);
            watch.Elapsed.Should().BeLessThan(options.ShutdownTimeout + Margin);
        }
        finally
        {
            never.Set(); // release the pool thread the callback holds, whatever the outcome
        }
    }

    [Fact]
    public async Task After_an_outage_backlog_a_short_shutdown_delivers_the_newest_period_not_the_oldest()
    {
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromSeconds(3), MaxDatumsPerBatch = 1000 };
        var registry = new MetricRegistry(options);
        var exporter = new SlowExporter(TimeSpan.FromSeconds(1));
        var sink = new BufferedMetricSink(registry, exporter, options);
        var old = DateTimeOffset.UtcNow.AddHours(-2);
        for (var i = 0; i < 10_000; i++)
        {
            registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/ADCE", "Backlog", i, MetricUnit.Count, old));
        }

        registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted").Add(3);
        await sink.StopAsync(TestContext.Current.CancellationToken);

        exporter.Delivered.Should().Contain(d => d.MetricName == "ADCETasksCompleted", "the newest period goes first when time is short");
        exporter.Delivered.Count.Should().BeLessThan(10_001, "11 batches of 1 s each cannot all be sent in 3 s");
        registry.GetDiagnostics().DatumsDropped.Should().Be(10_001 - exporter.Delivered.Count);
    }

    private sealed class HangingExporter : IMetricExporter
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public int EstimateSize(MetricDatum datum) => 100;

        public Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return new TaskCompletionSource<ExportResult>().Task; // never completes, ignores the token
        }
    }

    private sealed class SlowExporter(TimeSpan delay) : IMetricExporter
    {
        public System.Collections.Concurrent.ConcurrentBag<MetricDatum> Delivered { get; } = [];

        public int EstimateSize(MetricDatum datum) => 100;

        public async Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            foreach (var datum in batch)
            {
                Delivered.Add(datum);
            }

            return new ExportResult(1, batch.Count * 100);
        }
    }
}
