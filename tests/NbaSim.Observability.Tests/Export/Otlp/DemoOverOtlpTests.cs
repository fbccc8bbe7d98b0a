using System.Globalization;
using NbaSim.Observability.Tests.Infrastructure;
using NbaSim.Observability.Tests.Packaging;
using OpenTelemetry.Proto.Metrics.V1;

namespace NbaSim.Observability.Tests.Export.Otlp;

/// <summary>
/// The demo with <c>--otlp-endpoint</c> against a loopback OTLP receiver: what the receiver decodes (with classes generated
/// from opentelemetry-proto) adds up to the demo's own summary, which it reads back from its EMF file: the other
/// destination of the same dual-write.
/// </summary>
[Collection(nameof(Profiling.DotnetBuildSerial))]
public sealed class DemoOverOtlpTests
{
    [Fact]
    public async Task The_demos_OTLP_points_equal_its_summary_calls_failures_and_percentiles()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new LoopbackOtlpServer();
        var work = Directory.CreateTempSubdirectory("nbasim-demo-otlp-").FullName;
        var root = PackageConsumerTests.RepositoryRoot();
        var run = await PackageConsumerTests.RunAsync(
            "dotnet",
            $"run --project \"{Path.Combine(root, "samples", "NbaSim.Observability.Demo")}\" -- --duration 3 --otlp-endpoint {server.MetricsUrl} --emf-file \"{Path.Combine(work, "m.emf")}\"",
            root,
            ct);
        run.ExitCode.Should().Be(0, run.Output);
        server.Accepted.Should().NotBeEmpty(run.Output);
        server.Requests.Should().OnlyContain(r => r.Headers["Authorization"].StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal) && r.Headers["Content-Encoding"] == "gzip");

        // The newest point of each series holds its totals (cumulative).
        var latest = new Dictionary<(string Metric, string Attributes), ExponentialHistogramDataPoint>();
        foreach (var request in server.Accepted)
        {
            request.Request.ResourceMetrics.Single().Resource.Attributes.Should().Contain(a => a.Key == "service.name" && a.Value.StringValue == "nba-simulator-demo");
            foreach (var metric in request.Request.ResourceMetrics[0].ScopeMetrics.Where(s => s.Scope.Name == "NBA-Simulator/Performance").SelectMany(s => s.Metrics).Where(m => m.ExponentialHistogram is not null))
            {
                foreach (var point in metric.ExponentialHistogram.DataPoints)
                {
                    var key = (metric.Name, string.Join(",", point.Attributes.Select(a => $"{a.Key}={a.Value.StringValue}")));
                    if (!latest.TryGetValue(key, out var seen) || seen.TimeUnixNano <= point.TimeUnixNano)
                    {
                        latest[key] = point;
                    }
                }
            }
        }

        var summary = SummaryRows(run.Output);
        summary.Keys.Should().BeEquivalentTo(["DataExtraction", "S3Upload", "Validation"], run.Output);
        foreach (var (operation, row) in summary)
        {
            var points = latest.Where(p => p.Key.Metric == operation + "Duration").ToList();
            points.Should().OnlyContain(p => p.Key.Attributes.StartsWith("Status=", StringComparison.Ordinal), "no merged rollup series on the OTLP path");
            ((double)points.Sum(p => (long)p.Value.Count)).Should().Be(row.Calls, operation);
            ((double)points.Where(p => p.Key.Attributes == "Status=failure").Sum(p => (long)p.Value.Count)).Should().Be(row.Failures, operation);
            var merged = Merge(points.Select(p => p.Value).ToList());
            foreach (var (q, expected) in new[] { (0.50, row.P50), (0.95, row.P95), (0.99, row.P99) })
            {
                var read = PrometheusQuantile.Of(merged, q) * 1000;
                // 1 %, plus the summary's own rounding: it prints milliseconds with three decimals.
                read.Should().BeApproximately(expected, (expected * 0.01) + 0.0005, $"{operation} p{q * 100}: summary {expected} ms, OTLP {read} ms");
            }
        }
    }

    private static Dictionary<string, (double Calls, double Failures, double P50, double P95, double P99)> SummaryRows(string output)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.StartsWith("Operations", StringComparison.Ordinal)) + 2;
        var rows = new Dictionary<string, (double, double, double, double, double)>();
        for (var i = start; i < lines.Count && lines[i].Trim().Length > 0; i++)
        {
            var f = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            double N(string s) => double.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture);
            rows[f[0]] = (N(f[1]), N(f[2]), N(f[3]), N(f[4]), N(f[5]));
        }

        return rows;
    }

    /// <summary>
    /// The sum of native histograms, as PromQL's <c>sum</c> adds them: a wider series may have lowered its scale, so all
    /// are brought to the lowest scale first (bucket i of scale s is bucket i >> (s - lowest)), then added bucket by bucket.
    /// </summary>
    private static ExponentialHistogramDataPoint Merge(List<ExponentialHistogramDataPoint> points)
    {
        var scale = points.Min(p => p.Scale);
        var counts = new SortedDictionary<int, ulong>();
        foreach (var p in points)
        {
            for (var i = 0; i < p.Positive.BucketCounts.Count; i++)
            {
                var index = (p.Positive.Offset + i) >> (p.Scale - scale);
                counts[index] = counts.GetValueOrDefault(index) + p.Positive.BucketCounts[i];
            }
        }

        var first = counts.Keys.First();
        var merged = new ExponentialHistogramDataPoint
        {
            Scale = scale,
            Count = (ulong)points.Sum(p => (long)p.Count),
            ZeroCount = (ulong)points.Sum(p => (long)p.ZeroCount),
            ZeroThreshold = points.Max(p => p.ZeroThreshold),
            Positive = new ExponentialHistogramDataPoint.Types.Buckets { Offset = first },
        };
        for (var index = first; index <= counts.Keys.Last(); index++)
        {
            merged.Positive.BucketCounts.Add(counts.GetValueOrDefault(index));
        }

        return merged;
    }
}
