using System.Diagnostics;
using System.Net;
using System.Text;
using Amazon.S3;
using Microsoft.Extensions.Options;
using NbaSim.Observability.Publishers;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// Peak memory while the S3 inventory lists a bucket of N objects through AWSSDK.S3's real ListObjectsV2 paginator.
/// The bucket is a loopback server that generates each 1,000-key page on request, so any N can be listed.
/// Usage: dotnet run -c Release --project benchmarks/NbaSim.Observability.Benchmarks -- s3-memory 10000 100000 1000000
/// </summary>
internal static class S3ListingMemory
{
    public static async Task<int> RunAsync(string[] counts)
    {
        Console.WriteLine("objects      pages   seconds   peak working set   peak managed heap   counted bytes");
        foreach (var n in counts.Select(long.Parse))
        {
            using var server = new GeneratedBucketServer(n);
            var config = new AmazonS3Config { ServiceURL = server.Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" };
            using var s3 = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("bench", "bench"), config);
            var registry = new MetricRegistry();
            await using var exporter = new EmfExporter(new EmfExporterOptions { Path = Path.GetTempFileName() });
            await using var sink = new BufferedMetricSink(registry, exporter, new NbaObservabilityOptions());
            var publisher = new S3InventoryPublisher(registry, new AmazonS3ObjectLister(s3), Options.Create(new S3InventoryOptions { Buckets = ["generated"], PrefixBreakdown = true }), TimeProvider.System);

            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            using var process = Process.GetCurrentProcess();
            long peakWorkingSet = 0, peakHeap = 0;
            var stopwatch = Stopwatch.StartNew();
            var pages = 0;
            var progress = new Progress(_ =>
            {
                pages++;
                process.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
            });
            var result = (await publisher.PublishAsync(progress)).Single();
            Console.WriteLine($"{result.Objects,9:N0} {pages,8:N0} {stopwatch.Elapsed.TotalSeconds,9:F1} {peakWorkingSet / 1048576.0,15:F1} MB {peakHeap / 1048576.0,16:F1} MB {result.Bytes,15:N0}");
            if (result.Objects != n)
            {
                Console.Error.WriteLine($"expected {n} objects, counted {result.Objects}");
                return 1;
            }
        }

        return 0;
    }

    private sealed class Progress(Action<S3InventoryProgress> report) : IProgress<S3InventoryProgress>
    {
        public void Report(S3InventoryProgress value) => report(value);
    }

    /// <summary>ListObjectsV2 over a bucket whose keys are generated: key i is "prefix{i % 5}/{i:D9}.json", size i % 100,000.</summary>
    private sealed class GeneratedBucketServer : IDisposable
    {
        private readonly Testing.LoopbackListener _listener;
        private readonly long _objects;

        public GeneratedBucketServer(long objects)
        {
            _objects = objects;
            _listener = new Testing.LoopbackListener(ServeAsync);
        }

        public string Url => _listener.Url;

        public void Dispose() => _listener.Dispose();

        private async Task ServeAsync(HttpListenerContext context)
        {
            var token = context.Request.QueryString["continuation-token"];
            var start = token is null ? 0 : long.Parse(token, System.Globalization.CultureInfo.InvariantCulture);
            var end = Math.Min(_objects, start + 1000);
            var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>generated</Name>");
            xml.Append("<KeyCount>").Append(end - start).Append("</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>").Append(end < _objects ? "true" : "false").Append("</IsTruncated>");
            if (end < _objects)
            {
                xml.Append("<NextContinuationToken>").Append(end).Append("</NextContinuationToken>");
            }

            for (var i = start; i < end; i++)
            {
                xml.Append("<Contents><Key>prefix").Append(i % 5).Append('/').Append(i.ToString("D9", System.Globalization.CultureInfo.InvariantCulture)).Append(".json</Key><LastModified>2026-11-28T00:00:00.000Z</LastModified><ETag>\"x\"</ETag><Size>")
                    .Append(i % 100_000).Append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
            }

            xml.Append("</ListBucketResult>");
            var bytes = Encoding.UTF8.GetBytes(xml.ToString());
            context.Response.ContentType = "application/xml";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
