using Microsoft.Extensions.Logging.Testing;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>
/// Red team on SamplesLeftBehind (38e2baa). Recorded = delivered + counted-lost must hold: a sample counted as "not
/// sent" must never be sent afterwards, and never be counted twice. The four accounting tests failed on 38e2baa (the
/// count left the cells in place for a later collection); the stop now detaches the cells it counts. The overrun test
/// failed as first written (it asked for the count before the stop returns); it now holds the documented behaviour:
/// late, like the overrunning harvest's datums, never silent.
/// </summary>
[Collection(nameof(NbaSim.Observability.Tests.Aggregation.RecordingThreadsSerial))]
public sealed class RedTeam26AttackTests
{
    private const string Ns = "NBA-Simulator/RedTeam26";

    /// <summary>A thread that adds 40 samples to <paramref name="counter"/>, then stays inside a recording.</summary>
    private static StalledRecorder StallAfter40(CounterSeries counter, CancellationToken ct)
        => StalledRecorder.Start(
            () =>
            {
                for (var i = 0; i < 40; i++)
                {
                    counter.Add(1);
                }
            },
            ct);

    /// <summary>
    /// The registry documents "dispose that sink first" as the way to drain it with another sink. The first sink's stop
    /// counts (and logs) 40 samples as "not sent"; the thread resumes; the next sink on the registry sends them.
    /// </summary>
    [Fact]
    public async Task Samples_counted_as_left_behind_are_sent_by_the_next_sink_on_the_registry()
    {
        var ct = TestContext.Current.CancellationToken;
        var logger = new FakeLogger<MetricRegistry>();
        var registry = new MetricRegistry(logger: logger);
        var counter = registry.Counter(Ns, "Calls", MetricUnit.Count, default);

        var first = new CapturingExporter();
        var sink = new BufferedMetricSink(registry, first, new NbaObservabilityOptions());
        sink.Start();
        var stalled = StallAfter40(counter, ct);
        await sink.DisposeAsync();
        registry.GetDiagnostics().SamplesLeftBehind.Should().Be(40);

        stalled.Dispose(); // the debugger lets the thread go

        var second = new CapturingExporter();
        var next = new BufferedMetricSink(registry, second, new NbaObservabilityOptions());
        next.Start();
        await next.DisposeAsync();

        var delivered = first.Datums.Concat(second.Datums).Where(d => d.MetricName == "Calls").Sum(d => d.StatisticValues!.Value.SampleCount);
        var countedLost = registry.GetDiagnostics().SamplesLeftBehind;
        (delivered + countedLost).Should().Be(40, "40 samples were recorded: delivered {0}, counted as not sent {1}", delivered, countedLost);
    }

    /// <summary>
    /// The same 40 samples, still in the cell of a thread that stays suspended, are counted at each stop of a sink on the
    /// registry: SamplesLeftBehind reports 80 samples not sent where 40 were ever recorded.
    /// </summary>
    [Fact]
    public async Task The_same_samples_left_behind_are_counted_again_by_the_next_sinks_stop()
    {
        var ct = TestContext.Current.CancellationToken;
        var logger = new FakeLogger<MetricRegistry>();
        var registry = new MetricRegistry(logger: logger);
        var counter = registry.Counter(Ns, "Calls2", MetricUnit.Count, default);

        using var stalled = StallAfter40(counter, ct);

        var sink = new BufferedMetricSink(registry, new CapturingExporter(), new NbaObservabilityOptions());
        sink.Start();
        await sink.DisposeAsync();
        var next = new BufferedMetricSink(registry, new CapturingExporter(), new NbaObservabilityOptions());
        next.Start();
        await next.DisposeAsync();

        registry.GetDiagnostics().SamplesLeftBehind.Should().Be(40, "only 40 samples were ever recorded on the stalled thread");
    }

    /// <summary>
    /// ForceFlushAsync after the stop is documented ("what was harvested went to the spool"). The stop counts the 40
    /// samples as not sent; the thread resumes; a flush after the stop harvests them into the spool, and the next start
    /// sends them.
    /// </summary>
    [Fact]
    public async Task Samples_counted_as_left_behind_are_spooled_by_a_flush_after_the_stop_and_sent_by_the_next_start()
    {
        var ct = TestContext.Current.CancellationToken;
        var spool = Directory.CreateTempSubdirectory("redteam26-").FullName;
        try
        {
            var options = new NbaObservabilityOptions { Spool = new SpoolOptions { Directory = spool } };
            var registry = new MetricRegistry(logger: new FakeLogger<MetricRegistry>());
            var counter = registry.Counter(Ns, "Calls3", MetricUnit.Count, default);
            var first = new CapturingExporter();
            var sink = new BufferedMetricSink(registry, first, options);
            sink.Start();
            var stalled = StallAfter40(counter, ct);
            await sink.StopAsync(ct);
            registry.GetDiagnostics().SamplesLeftBehind.Should().Be(40);

            stalled.Dispose();
            await sink.ForceFlushAsync(ct);
            await sink.DisposeAsync();

            // The next process start on the same spool.
            var second = new CapturingExporter();
            var nextRegistry = new MetricRegistry();
            var next = new BufferedMetricSink(nextRegistry, second, options);
            next.Start();
            await next.DisposeAsync();

            var delivered = first.Datums.Concat(second.Datums).Where(d => d.MetricName == "Calls3").Sum(d => d.StatisticValues!.Value.SampleCount);
            var countedLost = registry.GetDiagnostics().SamplesLeftBehind;
            (delivered + countedLost).Should().Be(40, "40 samples were recorded: delivered {0}, counted as not sent {1}", delivered, countedLost);
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    /// <summary>
    /// "Neither is silent": with a short ShutdownTimeout and a gauge callback that blocks (bounded by
    /// ObservableGaugeTimeout, 1 s by default), the final collection overruns its 500 ms harvest budget and the stop
    /// returns first; the count of the samples left behind (and log event 44) follows when the harvest ends, once
    /// (docs/reliability.md).
    /// </summary>
    [Fact]
    public async Task Samples_left_behind_by_a_final_harvest_that_overruns_are_counted_once_when_it_ends()
    {
        var ct = TestContext.Current.CancellationToken;
        var logger = new FakeLogger<MetricRegistry>();
        var registry = new MetricRegistry(logger: logger);
        var counter = registry.Counter(Ns, "Calls4", MetricUnit.Count, default);
        using var gaugeRelease = new ManualResetEventSlim();
        using var gauge = registry.ObservableGauge(Ns, "Blocked", MetricUnit.Count, () => { gaugeRelease.Wait(5000); return 1.0; }, default);
        var sink = new BufferedMetricSink(registry, new CapturingExporter(), new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(300) });
        sink.Start();
        using var stalled = StallAfter40(counter, ct);

        await sink.DisposeAsync();
        var whenStopReturned = registry.GetDiagnostics().SamplesLeftBehind;
        var loggedWhenStopReturned = logger.Collector.GetSnapshot().Count(l => l.Message.Contains("were not sent", StringComparison.Ordinal));
        SpinWait.SpinUntil(() => registry.GetDiagnostics().SamplesLeftBehind > 0, TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromMilliseconds(200), ct); // a second count would land by now
        var later = registry.GetDiagnostics().SamplesLeftBehind;
        var logged = logger.Collector.GetSnapshot().Count(l => l.Message.Contains("were not sent", StringComparison.Ordinal));
        gaugeRelease.Set();

        (later, logged).Should().Be((40L, 1), "the overrunning harvest counts once when it ends (when the stop returned: {0} counted, {1} logged)", whenStopReturned, loggedWhenStopReturned);
    }

    /// <summary>
    /// One sink, one stop: StopAsync racing ForceFlushAsync (a host flushing on shutdown). The stop's final collection
    /// counts the stalled thread's 40 samples as not sent and starts its final drain; the thread resumes; the caller's
    /// flush harvests the 40 samples while the stop is still draining, and the stop delivers them.
    /// </summary>
    [Fact]
    public async Task Samples_counted_as_left_behind_are_delivered_by_a_flush_racing_the_stop()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new MetricRegistry(logger: new FakeLogger<MetricRegistry>());
        var counter = registry.Counter(Ns, "Calls5", MetricUnit.Count, default);
        var exporter = new FirstExportGated();
        var sink = new BufferedMetricSink(registry, exporter, new NbaObservabilityOptions());
        sink.Start();
        counter.Add(3); // one sample
        var stalled = StallAfter40(counter, ct);

        var stop = sink.StopAsync(ct);
        await exporter.FirstCall.WaitAsync(TimeSpan.FromSeconds(10), ct); // the stop's final drain is exporting
        var countedAtStop = registry.GetDiagnostics().SamplesLeftBehind;
        stalled.Dispose();
        var flush = sink.ForceFlushAsync(ct);
        await Task.Delay(200, ct);
        exporter.Release();
        await stop;
        await flush;
        await sink.DisposeAsync();

        var delivered = exporter.Datums.Where(d => d.MetricName == "Calls5").Sum(d => d.StatisticValues!.Value.SampleCount);
        var countedLost = registry.GetDiagnostics().SamplesLeftBehind;
        countedAtStop.Should().Be(40);
        (delivered + countedLost).Should().Be(41, "41 samples were recorded (Add(3) is one): delivered {0}, counted as not sent {1}", delivered, countedLost);
    }

    private sealed class FirstExportGated : IMetricExporter
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstCall = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Collections.Concurrent.ConcurrentQueue<MetricDatum> _datums = new();

        public Task FirstCall => _firstCall.Task;

        public IEnumerable<MetricDatum> Datums => _datums;

        public void Release() => _release.TrySetResult();

        public int EstimateSize(MetricDatum datum) => MetricBatchSizer.EstimateQueryBytes(datum);

        public async Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
        {
            _firstCall.TrySetResult();
            await _release.Task;
            foreach (var datum in batch)
            {
                _datums.Enqueue(datum);
            }

            return new ExportResult(1, batch.Count * 100);
        }
    }
}
