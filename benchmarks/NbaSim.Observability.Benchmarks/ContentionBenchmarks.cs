using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace NbaSim.Observability.Benchmarks;

/// <summary>Two threads recording into one series at full speed; time is per sample. Results: docs/performance.md.</summary>
[MemoryDiagnoser]
public class ContentionBenchmarks
{
    private const int PerThread = 200_000;
    private readonly Meter _meter = new("NbaSim.Benchmarks.Contention");
    private MeterProvider? _provider;
    private Histogram<double> _otelHistogram = null!;
    private DistributionSeries _distribution = null!;

    [GlobalSetup]
    public void Setup()
    {
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter(_meter.Name).AddInMemoryExporter(new List<Metric>()).Build();
        _otelHistogram = _meter.CreateHistogram<double>("s3upload.duration", "s");
        _distribution = new MetricRegistry().Distribution("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.Dispose();
        _meter.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * PerThread, Description = "OpenTelemetry histogram, 2 threads")]
    public void OtelTwoThreads() => Run(static (self, v) => self._otelHistogram.Record(v));

    [Benchmark(OperationsPerInvoke = 2 * PerThread, Description = "DistributionSeries, 2 threads")]
    public void DistributionTwoThreads() => Run(static (self, v) => self._distribution.Record(v));

    private void Run(Action<ContentionBenchmarks, double> record)
    {
        var other = new Thread(() => Loop(record, 0.5));
        other.Start();
        Loop(record, 0.001);
        other.Join();
    }

    private void Loop(Action<ContentionBenchmarks, double> record, double start)
    {
        var v = start;
        for (var i = 0; i < PerThread; i++)
        {
            record(this, v);
            v = v > 4 ? 0.001 : v + 0.0137;
        }
    }
}
