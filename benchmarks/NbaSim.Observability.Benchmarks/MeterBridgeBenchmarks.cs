using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using NbaSim.Observability.Meters;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// One <see cref="Histogram{T}"/>.Record through the Meter bridge against the same instrument collected by
/// OpenTelemetry's MeterProvider, with 0 and 3 tags (all three kept as dimensions by the bridge). Each side listens to
/// its own meter, so neither pays for the other. Results: docs/performance.md.
/// </summary>
[MemoryDiagnoser]
public class MeterBridgeBenchmarks
{
    private static readonly KeyValuePair<string, object?> Route = new("route", "/boxscores");
    private static readonly KeyValuePair<string, object?> Method = new("method", "GET");
    private static readonly KeyValuePair<string, object?> Status = new("status", "200");
    private readonly Meter _otelMeter = new("NbaSim.Benchmarks.Bridge.Otel");
    private readonly Meter _bridgeMeter = new("NbaSim.Benchmarks.Bridge.Ours");
    private MeterProvider? _provider;
    private MeterBridge? _bridge;
    private Histogram<double> _otel = null!;
    private Histogram<double> _ours = null!;
    private Histogram<double> _otelTagged = null!;
    private Histogram<double> _oursTagged = null!;
    private double _value;

    [GlobalSetup]
    public void Setup()
    {
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter(_otelMeter.Name).AddInMemoryExporter(new List<Metric>()).Build();
        // The untagged instrument's rule keeps no tags; the tagged one's keeps all three.
        _bridge = new MeterBridge(new MetricRegistry(), [
            new MeterBridgeOptions { Name = _bridgeMeter.Name, Instruments = ["scrape.duration"] },
            new MeterBridgeOptions { Name = _bridgeMeter.Name, Instruments = ["http.client.request.duration"], Dimensions = ["route", "method", "status"] },
        ], NullLogger.Instance);
        _otel = _otelMeter.CreateHistogram<double>("scrape.duration", "s");
        _otelTagged = _otelMeter.CreateHistogram<double>("http.client.request.duration", "s");
        _ours = _bridgeMeter.CreateHistogram<double>("scrape.duration", "s");
        _oursTagged = _bridgeMeter.CreateHistogram<double>("http.client.request.duration", "s");
        for (var i = 0; i < 4096; i++)
        {
            OursThreeTags(); // the series exists and its octaves are warm, as in a running process
            Ours();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.Dispose();
        _bridge?.Dispose();
        _otelMeter.Dispose();
        _bridgeMeter.Dispose();
    }

    [Benchmark(Baseline = true, Description = "OpenTelemetry, 0 tags")]
    public void Otel() => _otel.Record(Next());

    [Benchmark(Description = "Meter bridge, 0 tags")]
    public void Ours() => _ours.Record(Next());

    [Benchmark(Description = "OpenTelemetry, 3 tags")]
    public void OtelThreeTags() => _otelTagged.Record(Next(), Route, Method, Status);

    [Benchmark(Description = "Meter bridge, 3 tags kept")]
    public void OursThreeTags() => _oursTagged.Record(Next(), Route, Method, Status);

    private double Next()
    {
        _value = _value >= 2 ? 0.001 : _value + 0.0137;
        return _value;
    }
}
