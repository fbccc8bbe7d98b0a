using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using NbaSim.Observability.Aws.Protocol;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// One OTLP request of 1,000 distribution points (1,000 series, each with the same 50,000-sample distribution over three
/// powers of two), cumulative, as exponential histograms. Ours: the hand-written writer into a reused buffer, from the
/// exporter's cumulative state (<c>Serialize</c>), and with the batch's 1,000 datums absorbed again first (<c>Absorb +
/// serialize</c>, what an export does before the HTTP call). Baseline: OpenTelemetry .NET 1.20.1's OTLP exporter
/// (HTTP/protobuf, exponential histograms allowed scale 7 and 2,048 buckets) exporting the same measurements from its
/// MeterProvider to an HTTP handler that reads the body and answers 200: collection, serialization and the handler.
/// Bytes per point are printed by <see cref="Setup"/>. Results (docs/performance.md, 2026-12-03, one run): OpenTelemetry
/// 1,150.6 µs and 773,278 B; ours 429.7 µs and 0 B to serialize, 7,027.3 µs to absorb the batch and serialize; 661 vs 771
/// bytes per point.
/// </summary>
[MemoryDiagnoser]
public class OtlpSerializationBenchmarks
{
    private const int Points = 1000;
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private OtlpExporter _ours = null!;
    private List<MetricDatum> _batch = null!;
    private Utf8BodyWriter _body = null!;
    private Meter _meter = null!;
    private MeterProvider _provider = null!;
    private CountingHandler _handler = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        var samples = Enumerable.Range(0, 50_000).Select(_ => Math.Round(Math.Exp(4 + (random.NextDouble() * 2)), 3)).ToArray();

        // Ours: what a DistributionSeries hands the exporter for that distribution, one datum per series.
        var registry = new MetricRegistry(new NbaObservabilityOptions(), new FixedTime(Start));
        var template = registry.Distribution("NBA-Simulator/S3", "S3UploadDuration", MetricUnit.Milliseconds, default);
        foreach (var s in samples)
        {
            template.Record(s);
        }

        var harvested = new List<MetricDatum>();
        template.Harvest(Start, harvested, []);
        _batch = Enumerable.Range(0, Points).SelectMany(i => harvested.Select(piece => MetricDatum.CreateStatistics(
            "NBA-Simulator/S3", "S3UploadDuration", piece.StatisticValues!.Value, MetricUnit.Milliseconds, Start,
            [new("Status", "success"), new("Worker", $"w{i:000}")], piece.Values, piece.Counts, now: Start))).ToList();
        _ours = new OtlpExporter(new OtlpExporterOptions { Endpoint = "http://127.0.0.1:9/v1/metrics", Region = "us-east-1", ServiceName = "bench" }, new Amazon.Runtime.AnonymousAWSCredentials(), timeProvider: new FixedTime(Start.AddMinutes(1)));
        _body = new Utf8BodyWriter(1 << 20);
        var ourBytes = _ours.SerializeBatch(_batch, _body);

        // OpenTelemetry .NET: the same samples per series, recorded through its Meter.
        _meter = new Meter("bench-" + Guid.NewGuid().ToString("N"));
        _handler = new CountingHandler();
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(_meter.Name)
            .AddView("S3UploadDuration", new Base2ExponentialBucketHistogramConfiguration { MaxScale = 7, MaxSize = 2048, CardinalityLimit = Points + 10 })
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = new Uri("http://127.0.0.1:9/v1/metrics");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                exporter.HttpClientFactory = () => new HttpClient(_handler);
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = int.MaxValue;
            })
            .Build();
        var histogram = _meter.CreateHistogram<double>("S3UploadDuration", "ms");
        for (var i = 0; i < Points; i++)
        {
            var tags = new System.Diagnostics.TagList { { "Status", "success" }, { "Worker", $"w{i:000}" } };
            foreach (var s in samples)
            {
                histogram.Record(s, tags);
            }
        }

        _provider.ForceFlush();
        Console.WriteLine($"// bytes per request: ours {ourBytes:N0} ({ourBytes / Points} per point), OpenTelemetry {_handler.LastBytes:N0} ({_handler.LastBytes / Points} per point)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _meter.Dispose();
        _ours.Dispose();
        _body.Dispose();
    }

    [Benchmark(Baseline = true, Description = "OpenTelemetry 1.20.1: export 1,000 exp. histogram points")]
    public bool OpenTelemetry() => _provider.ForceFlush();

    [Benchmark(Description = "ours: serialize 1,000 points")]
    public int Serialize()
    {
        _body.Reset();
        return _ours.SerializeTouched(_body);
    }

    [Benchmark(Description = "ours: absorb the batch + serialize")]
    public int AbsorbAndSerialize()
    {
        _body.Reset();
        return _ours.SerializeBatch(_batch, _body);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public long LastBytes { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            LastBytes = body.Length;
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream();
            request.Content!.CopyTo(stream, null, cancellationToken);
            LastBytes = stream.Length;
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
