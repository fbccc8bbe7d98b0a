using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using NbaSim.Observability;
using NbaSim.Observability.Aws.CloudWatch;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// Serializing (awsQuery form body) and gzip-compressing PutMetricData batches of distribution datums with 150
/// values/counts each. Sizes are printed by <see cref="Sizes"/>. Results: docs/performance.md.
/// </summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private PutMetricDataRequest _thousand = null!;
    private PutMetricDataRequest _megabyte = null!;

    /// <summary>1,000 datums as asked; the sink would cut this into 1 MB requests.</summary>
    [Params("1000 datums", "1 MB batch")]
    public string Batch { get; set; } = "1000 datums";

    [GlobalSetup]
    public void Setup()
    {
        var datums = Datums(1000);
        _thousand = new PutMetricDataRequest("NBA-Simulator/Performance", datums);

        // The largest prefix that fits PutMetricData's 1 MB, as the sink builds it.
        var count = 0;
        var bytes = 0;
        foreach (var d in datums)
        {
            var size = MetricBatchSizer.EstimateQueryBytes(d);
            if (bytes + size > MetricLimits.MaxRequestBytes)
            {
                break;
            }

            bytes += size;
            count++;
        }

        _megabyte = new PutMetricDataRequest("NBA-Simulator/Performance", datums.Take(count).ToList());
        Sizes();
    }

    [Benchmark(Baseline = true, Description = "serialize form body")]
    public int Serialize() => Encoding.UTF8.GetByteCount(CloudWatchClient.QueryProtocol.FormBody(Current));

    [Benchmark(Description = "serialize + gzip")]
    public long SerializeAndGzip()
    {
        var body = Encoding.UTF8.GetBytes(CloudWatchClient.QueryProtocol.FormBody(Current));
        using var output = new MemoryStream(body.Length / 4);
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return output.Length;
    }

    private PutMetricDataRequest Current => Batch == "1000 datums" ? _thousand : _megabyte;

    private void Sizes()
    {
        foreach (var (name, request) in new[] { ("1000 datums", _thousand), ("1 MB batch", _megabyte) })
        {
            var body = Encoding.UTF8.GetBytes(CloudWatchClient.QueryProtocol.FormBody(request));
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(body);
            }

            Console.WriteLine($"// SIZE {name}: {request.MetricData.Count} datums, {body.Length:N0} bytes form-encoded, {output.Length:N0} bytes gzip ({100.0 * output.Length / body.Length:F1} %)");
        }
    }

    private static List<MetricDatum> Datums(int count)
    {
        var random = new Random(7);
        var now = DateTimeOffset.UtcNow;
        var datums = new List<MetricDatum>(count);
        for (var i = 0; i < count; i++)
        {
            // 150 log-spaced bucket representatives of a duration distribution, with realistic counts.
            var values = Enumerable.Range(0, 150).Select(j => 0.001 * Math.Pow(1.0157, j) * (1 + (random.NextDouble() * 0.001))).ToArray();
            var counts = values.Select(_ => (double)random.Next(1, 5000)).ToArray();
            var sum = values.Zip(counts).Sum(p => p.First * p.Second);
            datums.Add(MetricDatum.CreateStatistics(
                "NBA-Simulator/Performance",
                "S3UploadDuration",
                new StatisticSet(counts.Sum(), sum, values[0], values[^1]),
                MetricUnit.Seconds,
                now,
                [new("Status", "success"), new("Worker", $"worker-{i:D4}")],
                values,
                counts));
        }

        return datums;
    }
}
