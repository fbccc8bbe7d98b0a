using System.Diagnostics.Metrics;
using NbaSim.Observability.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace NbaSim.Observability.Tests.Export.Otlp;

/// <summary>
/// The same measurements through OpenTelemetry .NET 1.20.1's own OTLP exporter (exponential histograms at the same
/// scale, cumulative) and through ours, both decoded by the generated classes: the points agree, and ours is no larger.
/// </summary>
public sealed class OtlpPeerComparisonTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OpenTelemetrys_exporter_and_ours_decode_to_the_same_totals_and_percentiles_and_ours_is_no_larger()
    {
        var random = new Random(11);
        var samples = Enumerable.Range(0, 50_000).Select(_ => Math.Round(Math.Exp(4 + (random.NextDouble() * 3)), 3)).ToArray();

        // OpenTelemetry .NET, cumulative, base-2 exponential histogram allowed scale 7 and enough buckets not to downscale.
        await using var peerServer = new LoopbackOtlpServer();
        using (var meter = new Meter("peer-" + Guid.NewGuid().ToString("N")))
        {
            using var provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(meter.Name)
                .AddView("S3UploadDuration", new Base2ExponentialBucketHistogramConfiguration { MaxScale = 7, MaxSize = 2048 })
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = new Uri(peerServer.MetricsUrl);
                    exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                    reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000;
                })
                .Build();
            var histogram = meter.CreateHistogram<double>("S3UploadDuration", "ms");
            var counter = meter.CreateCounter<long>("S3UploadCount");
            var tag = new KeyValuePair<string, object?>("Status", "success");
            foreach (var ms in samples)
            {
                histogram.Record(ms, tag);
                counter.Add(1, tag);
            }

            provider.ForceFlush().Should().BeTrue();
        }

        await using var ourServer = new LoopbackOtlpServer();
        await using (var run = new OtlpExporterTests.OtlpRun(ourServer))
        {
            var duration = run.Registry.Distribution("NBA-Simulator/S3", "S3UploadDuration", MetricUnit.Milliseconds, default, new MetricDimension("Status", "success"));
            var count = run.Registry.Counter("NBA-Simulator/S3", "S3UploadCount", MetricUnit.Count, default, new MetricDimension("Status", "success"));
            foreach (var ms in samples)
            {
                duration.Record(ms);
                count.Record(1);
            }

            (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
        }

        // Cumulative: the last request of each holds the totals (OpenTelemetry exports again when its provider is disposed).
        var peerMetrics = peerServer.Accepted.Last().Request.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics).ToList();
        var ourMetrics = ourServer.Accepted.Last().Request.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics).ToList();
        var peer = peerMetrics.Single(m => m.Name == "S3UploadDuration").ExponentialHistogram.DataPoints.Single();
        var ours = ourMetrics.Single(m => m.Name == "S3UploadDuration").ExponentialHistogram.DataPoints.Single();

        ours.Count.Should().Be(peer.Count);
        ours.Sum.Should().BeApproximately(peer.Sum, Math.Abs(peer.Sum) * 1e-12);
        ours.Min.Should().Be(peer.Min);
        ours.Max.Should().Be(peer.Max);
        output.WriteLine($"scale: OpenTelemetry {peer.Scale}, ours {ours.Scale}");
        ourMetrics.Single(m => m.Name == "S3UploadCount").Sum.DataPoints.Single().AsDouble
            .Should().Be(peerMetrics.Single(m => m.Name == "S3UploadCount").Sum.DataPoints.Single().AsInt);
        var sorted = samples.Order().ToArray();
        foreach (var q in new[] { 0.5, 0.9, 0.95, 0.99 })
        {
            var exact = PrometheusQuantile.Exact(sorted, q);
            var theirs = PrometheusQuantile.Of(peer, q);
            var mine = PrometheusQuantile.Of(ours, q);
            output.WriteLine($"p{q * 100}: exact {exact}, OpenTelemetry {theirs:F3}, ours {mine:F3}");
            mine.Should().BeApproximately(exact, exact * 0.01);
            mine.Should().BeApproximately(theirs, theirs * 0.01);
        }

        output.WriteLine($"bytes per distribution point: OpenTelemetry {peer.CalculateSize()}, ours {ours.CalculateSize()}");
        ours.CalculateSize().Should().BeLessThanOrEqualTo(peer.CalculateSize());
    }
}
