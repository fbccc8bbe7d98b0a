using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// 1, 2 and 4 threads recording into one series at full speed, against OpenTelemetry's instrument in the same run; time
/// is wall time per sample of one thread (all threads record the same number at once). The threads record values of one range (as scrapers timing one operation do),
/// each starting at another point of it. The "series per thread" rows share nothing: they are what the machine itself
/// gives N threads (two vCPUs may be one core's two hyperthreads), the floor any striping can reach.
/// The threads live as long as the benchmark case, as a thread pool's do: each invocation releases them together and
/// waits for all of them, so no invocation measures thread start-up, and each thread keeps its slot and cells.
/// Results: docs/performance.md ("Recording under contention").
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class ContentionBenchmarks
{
    private const int PerThread = 200_000;
    private readonly Meter _meter = new("NbaSim.Benchmarks.Contention");
    private MeterProvider? _provider;
    private Histogram<double> _otelHistogram = null!;
    private Counter<double> _otelCounter = null!;
    private DistributionSeries _distribution = null!;
    private CounterSeries _counter = null!;
    private DistributionSeries[] _ownDistributions = null!;
    private CounterSeries[] _ownCounters = null!;
    private Thread[] _workers = [];
    private Barrier _start = null!;
    private Barrier _done = null!;
    private Action<ContentionBenchmarks, double, int>? _record;

    /// <summary>Threads recording at once.</summary>
    [Params(1, 2, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter(_meter.Name).AddInMemoryExporter(new List<Metric>()).Build();
        _otelHistogram = _meter.CreateHistogram<double>("s3upload.duration", "s");
        _otelCounter = _meter.CreateCounter<double>("s3upload.bytes", "By");
        var registry = new MetricRegistry();
        _distribution = registry.Distribution("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds);
        _counter = registry.Counter("NBA-Simulator/Performance", "S3UploadBytes", MetricUnit.Bytes);
        _ownDistributions = [.. Enumerable.Range(0, 4).Select(t => registry.Distribution("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds, new MetricDimension("Thread", $"t{t}")))];
        _ownCounters = [.. Enumerable.Range(0, 4).Select(t => registry.Counter("NBA-Simulator/Performance", "S3UploadBytes", MetricUnit.Bytes, new MetricDimension("Thread", $"t{t}")))];

        _start = new Barrier(Threads);
        _done = new Barrier(Threads);
        _workers = new Thread[Threads - 1];
        for (var t = 0; t < _workers.Length; t++)
        {
            var index = t + 1;
            _workers[t] = new Thread(() => Work(index)) { IsBackground = true, Name = $"recorder {index}" };
            _workers[t].Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _record = null;
        _start.SignalAndWait(); // null work: the workers return
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        _start.Dispose();
        _done.Dispose();
        _provider?.Dispose();
        _meter.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PerThread, Description = "OpenTelemetry Histogram.Record")]
    [BenchmarkCategory("distribution")]
    public void OtelHistogram() => Run(static (self, v, _) => self._otelHistogram.Record(v));

    [Benchmark(OperationsPerInvoke = PerThread, Description = "DistributionSeries.Record")]
    [BenchmarkCategory("distribution")]
    public void Distribution() => Run(static (self, v, _) => self._distribution.Record(v));

    [Benchmark(OperationsPerInvoke = PerThread, Description = "DistributionSeries, a series per thread (the machine's floor)")]
    [BenchmarkCategory("distribution")]
    public void DistributionPerThread() => Run(static (self, v, t) => self._ownDistributions[t].Record(v));

    [Benchmark(Baseline = true, OperationsPerInvoke = PerThread, Description = "OpenTelemetry Counter.Add")]
    [BenchmarkCategory("counter")]
    public void OtelCounter() => Run(static (self, v, _) => self._otelCounter.Add(v));

    [Benchmark(OperationsPerInvoke = PerThread, Description = "CounterSeries.Add")]
    [BenchmarkCategory("counter")]
    public void Counter() => Run(static (self, v, _) => self._counter.Add(v));

    [Benchmark(OperationsPerInvoke = PerThread, Description = "CounterSeries, a series per thread (the machine's floor)")]
    [BenchmarkCategory("counter")]
    public void CounterPerThread() => Run(static (self, v, t) => self._ownCounters[t].Add(v));

    // OperationsPerInvoke is per thread: BenchmarkDotNet divides by PerThread, so the figure is wall time per sample of
    // one thread, and the per-sample cost of all threads together is that figure divided by Threads.
    private void Run(Action<ContentionBenchmarks, double, int> record)
    {
        _record = record;
        _start.SignalAndWait();
        Loop(record, 0);
        _done.SignalAndWait();
    }

    private void Work(int index)
    {
        while (true)
        {
            _start.SignalAndWait();
            if (_record is not { } record)
            {
                return;
            }

            Loop(record, index);
            _done.SignalAndWait();
        }
    }

    private void Loop(Action<ContentionBenchmarks, double, int> record, int thread)
    {
        var v = 0.001 + (0.5 * thread);
        for (var i = 0; i < PerThread; i++)
        {
            record(this, v, thread);
            v = v > 4 ? 0.001 : v + 0.0137;
        }
    }
}
