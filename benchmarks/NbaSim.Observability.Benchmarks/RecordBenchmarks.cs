using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// Recording one sample: our held handles against OpenTelemetry's instruments with a MeterProvider collecting them.
/// Results: docs/performance.md.
/// </summary>
[MemoryDiagnoser]
public class RecordBenchmarks
{
    private readonly Meter _meter = new("NbaSim.Benchmarks.Otel");
    private MeterProvider? _provider;
    private Histogram<double> _otelHistogram = null!;
    private Counter<double> _otelCounter = null!;
    private MetricRegistry _registry = null!;
    private DistributionSeries _distribution = null!;
    private CounterSeries _counter = null!;
    private DistributionSeries _switchedOff = null!;
    private double _value;

    [GlobalSetup]
    public void Setup()
    {
        var exported = new List<Metric>();
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter(_meter.Name).AddInMemoryExporter(exported).Build();
        _otelHistogram = _meter.CreateHistogram<double>("s3upload.duration", "s");
        _otelCounter = _meter.CreateCounter<double>("adce.tasks.completed");
        _registry = new MetricRegistry();
        _distribution = _registry.Distribution("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds, new MetricDimension("Status", "success"));
        _counter = _registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted");
        _switchedOff = new MetricRegistry(new NbaObservabilityOptions { Enabled = false })
            .Distribution("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds, new MetricDimension("Status", "success"));
        for (var i = 0; i < 4096; i++)
        {
            Distribution(); // warm the histogram's octaves, as a running process has
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.Dispose();
        _meter.Dispose();
    }

    [Benchmark(Baseline = true, Description = "OpenTelemetry Histogram<double>.Record")]
    public void OtelHistogram() => _otelHistogram.Record(NextValue());

    [Benchmark(Description = "DistributionSeries.Record (held handle)")]
    public void Distribution() => _distribution.Record(NextValue());

    [Benchmark(Description = "DistributionSeries.Record, switched off (Enabled=false)")]
    public void DistributionSwitchedOff() => _switchedOff.Record(NextValue());

    [Benchmark(Description = "OpenTelemetry Counter<double>.Add")]
    public void OtelCounter() => _otelCounter.Add(1);

    [Benchmark(Description = "CounterSeries.Add (held handle)")]
    public void Counter() => _counter.Add(1);

    [Benchmark(Description = "by name: Distribution(ns, name, unit, dim).Record")]
    public void ByName()
        => _registry.Distribution("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds, new MetricDimension("Status", "success")).Record(NextValue());

    // Durations between about 1 ms and 4 s, cycling so the branch predictor cannot learn one bucket.
    private double NextValue()
    {
        var v = _value + 0.0137;
        _value = v > 4 ? 0.001 : v;
        return v;
    }
}
