using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.Runtime;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Wire;

/// <summary>The JSON 1.0 wire: what a busy minute costs in calls, what gzip and SigV4 put on the wire, what rounding costs percentiles.</summary>
public class JsonWireTests
{
    private const string Ns = "NBA-Simulator/Performance";

    [Theory]
    [InlineData(CloudWatchProtocol.Json)]
    [InlineData(CloudWatchProtocol.Query)]
    public async Task A_million_samples_over_a_hundred_distribution_series_leave_in_one_call(CloudWatchProtocol protocol)
    {
        await using var server = new LoopbackAwsServer((r, _) => LoopbackAwsServer.Ok(r.Action));
        using var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("a", "b"), new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1", Protocol = protocol });
        var registry = new MetricRegistry();
        var exporter = new CloudWatchExporter(client);
        var sink = new BufferedMetricSink(registry, exporter, new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromSeconds(60) });
        var random = new Random(42);
        for (var s = 0; s < 100; s++)
        {
            var series = registry.Distribution(Ns, "S3UploadDuration", MetricUnit.Seconds, new MetricDimension("Worker", $"worker-{s:D2}"));
            for (var i = 0; i < 10_000; i++)
            {
                series.Record(0.05 * Math.Pow(2, 2 * random.NextDouble())); // 50 to 200 ms
            }
        }

        await sink.StopAsync(TestContext.Current.CancellationToken);
        await sink.DisposeAsync();

        var puts = server.Accepted.Where(r => r.Action == "PutMetricData").ToList();
        puts.SelectMany(r => r.Datums()).Sum(d => d.SampleCount).Should().Be(1_000_000, "every sample arrives, once");
        if (protocol == CloudWatchProtocol.Json)
        {
            puts.Should().ContainSingle("100 full distribution datums fit one JSON request");
            puts[0].Gzipped.Should().BeTrue();
        }
        else
        {
            puts.Count.Should().BeGreaterThan(1, "awsQuery needs several requests for the same minute");
        }
    }

    [Fact]
    public async Task A_gzip_body_decompresses_to_exactly_the_uncompressed_one_and_botocore_signs_it_identically()
    {
        // moto 5.2.1 answers 500 to gzip JSON, so this plays CloudWatch's documented 200 on a loopback port.
        using var listener = new HttpListener();
        var port = Ports.Free();
        var url = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(url);
        listener.Start();
        byte[]? wire = null;
        Dictionary<string, string>? headers = null;
        var serve = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            wire = buffer.ToArray();
            headers = context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-amz-json-1.0";
            await context.Response.OutputStream.WriteAsync("{}"u8.ToArray());
            context.Response.Close();
        }, TestContext.Current.CancellationToken);
        const string AccessKey = "AKIDEXAMPLE", SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        using var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials(AccessKey, SecretKey), new CloudWatchClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var request = new PutMetricDataRequest(Ns, Benchmarks());

        await client.PutMetricDataAsync(request, TestContext.Current.CancellationToken);
        await serve;

        headers!["Content-Encoding"].Should().Be("gzip");
        headers["Content-Length"].Should().Be(wire!.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), "the pooled body is sent with its length, not chunked");
        headers.Should().NotContainKey("Transfer-Encoding");
        headers["X-Amz-Target"].Should().Be("GraniteServiceVersion20100801.PutMetricData");
        headers["Content-Type"].Should().Be("application/x-amz-json-1.0");
        using (var unzip = new GZipStream(new MemoryStream(wire!), CompressionMode.Decompress))
        using (var plain = new MemoryStream())
        {
            await unzip.CopyToAsync(plain, TestContext.Current.CancellationToken);
            plain.ToArray().Should().Equal(AwsJsonProtocol.Body(request), "the compressed body is exactly the uncompressed one");
        }

        // botocore signs the captured bytes and headers (minus those neither side signs) at the captured time.
        var signed = headers["Authorization"].Split("SignedHeaders=")[1].Split(',')[0].Split(';').ToHashSet(StringComparer.OrdinalIgnoreCase);
        var spec = new
        {
            access_key = AccessKey,
            secret_key = SecretKey,
            region = "us-east-1",
            service = "monitoring",
            url,
            headers = headers.Where(h => signed.Contains(h.Key) && !h.Key.Equals("host", StringComparison.OrdinalIgnoreCase)).ToDictionary(h => h.Key, h => h.Value),
            body_base64 = Convert.ToBase64String(wire!),
        };
        var botocore = await Python("sigv4_sign.py", JsonSerializer.Serialize(spec));
        headers["Authorization"].Should().Be(botocore.Trim());
    }

    [Fact]
    public async Task Bodies_read_from_pooled_buffers_stay_whole_across_retries_and_concurrent_calls()
    {
        // The compressed body reaches the SDK as a stream over a pooled buffer that goes back to the pool when the call
        // is over. Oracle: what the server decompresses is, byte for byte, what each request serializes to, on every
        // attempt, while other calls rent and fill buffers at the same time.
        var bodies = new System.Collections.Concurrent.ConcurrentDictionary<string, List<byte[]>>();
        var attempts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        using var server = new NbaSim.Observability.Testing.LoopbackListener(async context =>
        {
            using var plain = new MemoryStream();
            using (var unzip = new GZipStream(context.Request.InputStream, CompressionMode.Decompress))
            {
                await unzip.CopyToAsync(plain);
            }

            using var document = JsonDocument.Parse(plain.ToArray());
            var name = document.RootElement.GetProperty("MetricData")[0].GetProperty("MetricName").GetString()!;
            lock (bodies)
            {
                bodies.GetOrAdd(name, _ => []).Add(plain.ToArray());
            }

            // Every call is throttled once, then accepted: the SDK sends the same stream again.
            var first = attempts.AddOrUpdate(name, 1, (_, n) => n + 1) == 1;
            context.Response.StatusCode = first ? 400 : 200;
            context.Response.ContentType = "application/x-amz-json-1.0";
            if (first)
            {
                context.Response.AddHeader("x-amzn-query-error", "Throttling;Sender");
            }

            await context.Response.OutputStream.WriteAsync(first ? """{"__type":"ThrottlingException","message":"Rate exceeded"}"""u8.ToArray() : "{}"u8.ToArray());
            context.Response.Close();
        });
        using var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret"), new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 3 });
        var requests = Enumerable.Range(0, 12).Select(i => new PutMetricDataRequest(Ns, Benchmarks($"Call{i:D2}", 10 + (i * 37)))).ToList();
        var expected = requests.ToDictionary(r => r.MetricData[0].MetricName, AwsJsonProtocol.Body);

        // The first request object is also sent three more times at once: each call lends a body of its own.
        await Task.WhenAll(requests.Concat(Enumerable.Repeat(requests[0], 3)).Select(r => client.PutMetricDataAsync(r, TestContext.Current.CancellationToken)));

        bodies.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (name, received) in bodies)
        {
            received.Should().HaveCount(name == "Call00" ? 5 : 2, $"{name} was throttled once and retried");
            received.Should().AllSatisfy(body => body.Should().Equal(expected[name], $"every attempt of {name} carries its own body"));
        }
    }

    [Fact]
    public async Task Percentiles_read_back_from_the_serialized_body_stay_within_one_percent()
    {
        await using var pipeline = new Infrastructure.Pipeline();
        var random = new Random(3);
        var samples = new List<double>();
        var series = pipeline.Registry.Distribution(Ns, "DataExtractionDuration", MetricUnit.Seconds);
        for (var i = 0; i < 50_000; i++)
        {
            // Three shapes at once: a fast mode, a slow mode, and a long tail.
            var v = (i % 3) switch
            {
                0 => 0.002 + (random.NextDouble() * 0.01),
                1 => Math.Exp(random.NextDouble() * 3) * 0.1,
                _ => 1 / Math.Max(1e-6, random.NextDouble()),
            };
            samples.Add(v);
            series.Record(v);
        }

        await pipeline.Sink.StopAsync(TestContext.Current.CancellationToken);
        var datums = pipeline.Exporter.Datums.Where(d => d.MetricName == "DataExtractionDuration").ToList();
        using var body = JsonDocument.Parse(AwsJsonProtocol.Body(new PutMetricDataRequest(Ns, datums)));
        var written = body.RootElement.GetProperty("MetricData").EnumerateArray()
            .SelectMany(d => d.GetProperty("Values").EnumerateArray().Zip(d.GetProperty("Counts").EnumerateArray(), (v, c) => (Value: v.GetDouble(), Count: c.GetDouble())))
            .OrderBy(p => p.Value).ToList();
        written.Sum(p => p.Count).Should().Be(samples.Count);
        written.Select(p => p.Value).Should().NotBeSubsetOf(datums.SelectMany(d => d.Values!), "bucket midpoints are written short, so the test covers that rounding");
        samples.Sort();
        foreach (var p in new[] { 0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999 })
        {
            var rank = (long)Math.Ceiling(p * samples.Count);
            var exact = samples[(int)rank - 1];
            double seen = 0, read = double.NaN;
            foreach (var (value, count) in written)
            {
                seen += count;
                if (seen >= rank)
                {
                    read = value;
                    break;
                }
            }

            Math.Abs(read - exact).Should().BeLessThanOrEqualTo(exact * 0.01, $"p{p * 100} read {read}, exact {exact}");
        }
    }

    private static List<MetricDatum> Benchmarks(string name = "S3UploadDuration", int count = 40)
        => Enumerable.Range(0, count).Select(i => MetricDatum.CreateStatistics(
            Ns,
            name,
            new StatisticSet(300, 45.5, 0.0123, 1.987),
            MetricUnit.Seconds,
            new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero),
            [new("Worker", $"w{i}")],
            Enumerable.Range(0, 100).Select(j => 0.0123 + (j * 0.0197)).ToArray(),
            Enumerable.Range(0, 100).Select(j => 3d).ToArray(),
            now: new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero))).ToList(); // a fixed wire, valid on any date

    internal static async Task<string> Python(string script, string stdin)
    {
        var path = Path.Combine(Packaging.PackageConsumerTests.RepositoryRoot(), "tests", "conformance", script);
        var start = new ProcessStartInfo("python3", $"\"{path}\"") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, error);
        return output;
    }
}
