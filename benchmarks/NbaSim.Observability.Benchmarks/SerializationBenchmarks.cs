using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using NbaSim.Observability.Aggregation;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.Protocol;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// One full PutMetricData request (as many full-width distribution datums as fit 1,000,000 bytes: statistic set,
/// 150 values and 150 counts, 2 dimensions), serialized as awsQuery (the former default, the baseline) and as AWS JSON
/// 1.0 into a reused buffer, with and without gzip at each level. Datums per request and sizes are printed by
/// <see cref="Sizes"/>. Results: docs/performance.md.
/// </summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private const string Namespace = "NBA-Simulator/Performance";
    private static readonly int[] Levels = [1, 2, 3, 4, 6];
    private PutMetricDataRequest _query = null!;
    private PutMetricDataRequest _json = null!;
    private Utf8BodyWriter _body = null!;
    private Utf8BodyWriter _gzip = null!;

    [GlobalSetup]
    public void Setup()
    {
        var datums = Datums(1000);
        _query = new PutMetricDataRequest(Namespace, Fill(datums, MetricBatchSizer.EstimateQueryBytes, 0));
        _json = new PutMetricDataRequest(Namespace, Fill(datums, MetricDataJsonWriter.MeasureDatum, MetricDataJsonWriter.EnvelopeBytes(Namespace)));
        foreach (var datum in datums)
        {
            datum.JsonFragment = null; // the serialize rows below serialize every datum, as a body without kept bytes does
        }

        _body = new Utf8BodyWriter(1 << 20);
        _gzip = new Utf8BodyWriter(1 << 20);
        Sizes();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _body.Dispose();
        _gzip.Dispose();
    }

    [Benchmark(Baseline = true, Description = "awsQuery: serialize (former default)")]
    public int Query() => Encoding.UTF8.GetByteCount(CloudWatchClient.QueryProtocol.FormBody(_query));

    [Benchmark(Description = "awsQuery: serialize + gzip Optimal (former default)")]
    public long QueryGzip()
    {
        var body = Encoding.UTF8.GetBytes(CloudWatchClient.QueryProtocol.FormBody(_query));
        using var output = new MemoryStream(body.Length / 4);
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return output.Length;
    }

    [Benchmark(Description = "JSON 1.0: serialize into a reused buffer")]
    public int Json()
    {
        _body.Reset();
        MetricDataJsonWriter.Write(_body, Namespace, _json.MetricData);
        return _body.Length;
    }

    /// <summary>
    /// The pipeline's path for one request, as it was: each datum serialized to measure it (batch cutting), then the whole
    /// body serialized again.
    /// </summary>
    [Benchmark(Description = "JSON 1.0: measure each datum + serialize the body (serialized twice, before)")]
    public int JsonMeasuredTwice()
    {
        var bytes = 0;
        foreach (var datum in _json.MetricData)
        {
            bytes += MetricDataJsonWriter.MeasureWithoutKeeping(datum);
        }

        _body.Reset();
        MetricDataJsonWriter.Write(_body, Namespace, _json.MetricData);
        return bytes + _body.Length;
    }

    /// <summary>
    /// The pipeline's path for one request, now: measuring serializes each datum once and keeps its bytes; the body
    /// copies them. The kept bytes are dropped first, so every invocation measures fresh datums as the pipeline does.
    /// </summary>
    [Benchmark(Description = "JSON 1.0: measure each datum + serialize the body (serialized once, now)")]
    public int JsonMeasuredOnce()
    {
        var bytes = 0;
        foreach (var datum in _json.MetricData)
        {
            datum.JsonFragment = null;
            bytes += MetricDataJsonWriter.MeasureDatum(datum);
        }

        _body.Reset();
        MetricDataJsonWriter.Write(_body, Namespace, _json.MetricData);
        return bytes + _body.Length;
    }

    [Benchmark(Description = "JSON 1.0: serialize + gzip (zlib level)")]
    [Arguments(1)]
    [Arguments(2)]
    [Arguments(3)]
    [Arguments(4)]
    [Arguments(6)]
    public int JsonGzip(int level)
    {
        _body.Reset();
        MetricDataJsonWriter.Write(_body, Namespace, _json.MetricData);
        _gzip.Reset();
        GzipBody.Compress(_body.WrittenSpan, _gzip, level);
        return _gzip.Length;
    }

    /// <summary>
    /// Full-width distribution datums as the pipeline emits them: the exact minimum and maximum as values of their own,
    /// 148 bucket midpoints of a latency histogram (1 ms to 10 s) between them, counts of 1 to 5,000.
    /// </summary>
    internal static List<MetricDatum> Datums(int count)
    {
        var random = new Random(7);
        var now = DateTimeOffset.UtcNow;
        var minimumBucket = BucketIndex(0.001);
        var maximumBucket = BucketIndex(10);
        var datums = new List<MetricDatum>(count);
        for (var i = 0; i < count; i++)
        {
            var picked = new SortedSet<int>();
            while (picked.Count < 148)
            {
                picked.Add(random.Next(minimumBucket, maximumBucket));
            }

            var buckets = picked.Select(b => LogLinearHistogram.Bucket(b / LogLinearHistogram.SubBuckets, b % LogLinearHistogram.SubBuckets, negative: false, 0)).ToList();
            var min = buckets[0].Lower + ((buckets[0].Upper - buckets[0].Lower) * random.NextDouble() * 0.5);
            var max = buckets[^1].Value + ((buckets[^1].Upper - buckets[^1].Value) * random.NextDouble());
            var values = new[] { min }.Concat(buckets.Select(b => b.Value)).Append(max).ToArray();
            var counts = values.Select((_, j) => j == 0 || j == values.Length - 1 ? 1d : random.Next(1, 5000)).ToArray();
            var sum = values.Zip(counts).Sum(p => p.First * p.Second);
            datums.Add(MetricDatum.CreateStatistics(
                Namespace,
                "S3UploadDuration",
                new StatisticSet(counts.Sum(), sum, min, max),
                MetricUnit.Seconds,
                now,
                [new("Status", "success"), new("Worker", $"worker-{i:D4}")],
                values,
                counts));
        }

        return datums;
    }

    private static int BucketIndex(double value)
    {
        var (lower, _) = LogLinearHistogram.BoundsOf(value);
        var exponent = Math.ILogB(lower);
        var sub = (int)Math.Round(((lower / Math.ScaleB(1, exponent)) - 1) * LogLinearHistogram.SubBuckets);
        return ((exponent + 64) * LogLinearHistogram.SubBuckets) + sub;
    }

    /// <summary>The largest prefix that fits 1,000,000 bytes, measured as the sink measures it.</summary>
    private static List<MetricDatum> Fill(List<MetricDatum> datums, Func<MetricDatum, int> size, int envelope)
    {
        var bytes = envelope;
        var batch = new List<MetricDatum>();
        foreach (var d in datums)
        {
            var s = size(d);
            if (bytes + s > MetricLimits.MaxRequestBytes || batch.Count == MetricLimits.MaxDatumsPerRequest)
            {
                break;
            }

            bytes += s;
            batch.Add(d);
        }

        return batch;
    }

    private void Sizes()
    {
        var query = Encoding.UTF8.GetBytes(CloudWatchClient.QueryProtocol.FormBody(_query));
        Console.WriteLine($"// SIZE awsQuery: {_query.MetricData.Count} datums, {query.Length:N0} bytes, gzip Optimal {Gzip(query, CompressionLevel.Optimal):N0}");
        var json = AwsJsonProtocol.Body(_json);
        var levels = string.Join(", ", Levels.Select(l => $"level {l} {Gzip(json, l):N0}"));
        Console.WriteLine($"// SIZE JSON 1.0: {_json.MetricData.Count} datums, {json.Length:N0} bytes; gzip {levels}");
    }

    private static long Gzip(byte[] body, CompressionLevel level)
    {
        using var output = new Utf8BodyWriter();
        GzipBody.Compress(body, output, level);
        return output.Length;
    }

    private static long Gzip(byte[] body, int level)
    {
        using var output = new Utf8BodyWriter();
        GzipBody.Compress(body, output, level);
        return output.Length;
    }
}
