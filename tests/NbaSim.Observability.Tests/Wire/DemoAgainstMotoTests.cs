using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using NbaSim.Observability.Tests.Infrastructure;
using NbaSim.Observability.Tests.Oracles;
using NbaSim.Observability.Tests.Packaging;

namespace NbaSim.Observability.Tests.Wire;

/// <summary>
/// The demo, built from the packed package, against moto through a recording proxy: every PutMetricData it sends is
/// AWS JSON 1.0, and what moto then returns through aws-cli (an oracle that shares no code with ours) is what was sent.
/// </summary>
[Collection(nameof(Profiling.DotnetBuildSerial))]
public class DemoAgainstMotoTests
{
    [Fact]
    public async Task The_demo_sends_json_PutMetricData_and_moto_returns_the_recorded_count_and_sum()
    {
        var ct = TestContext.Current.CancellationToken;

        // A moto of its own: the demo writes the original design's fixed namespaces and names, which other tests write too,
        // and what moto returns is compared with what the demo sent.
        await using var moto = MotoServer.Private();
        var motoUrl = (await moto.UrlAsync()).TrimEnd('/');
        await using var proxy = new RecordingProxy(motoUrl);
        var work = Directory.CreateTempSubdirectory("nbasim-demo-moto-").FullName;
        var root = PackageConsumerTests.RepositoryRoot();
        var run = await PackageConsumerTests.RunAsync(
            "dotnet",
            $"run --project \"{Path.Combine(root, "samples", "NbaSim.Observability.Demo")}\" -- --duration 3 --cloudwatch-endpoint {proxy.Url} --disable-compression --emf-file \"{Path.Combine(work, "m.emf")}\"",
            root,
            ct);
        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("PutMetricData calls (batched)", "the CloudWatch exporter's batches are PutMetricData calls");

        var puts = proxy.Requests.Where(r => r.Target?.EndsWith(".PutMetricData", StringComparison.Ordinal) == true || r.Body.Contains("Action=PutMetricData", StringComparison.Ordinal)).ToList();
        puts.Should().NotBeEmpty(run.Output);
        puts.Should().OnlyContain(r => r.Target == "GraniteServiceVersion20100801.PutMetricData" && r.ContentType == "application/x-amz-json-1.0" && r.Status == 200);
        proxy.Requests.Should().NotContain(r => r.Body.StartsWith("Action=", StringComparison.Ordinal), "no awsQuery request at all");

        // What was sent, per series, from the JSON bodies themselves.
        var sent = new Dictionary<(string Ns, string Name, string Dims), (double Count, double Sum, DateTimeOffset At)>();
        foreach (var put in puts)
        {
            using var body = JsonDocument.Parse(put.Body);
            var ns = body.RootElement.GetProperty("Namespace").GetString()!;
            foreach (var d in body.RootElement.GetProperty("MetricData").EnumerateArray())
            {
                var dims = d.TryGetProperty("Dimensions", out var ds) ? string.Join(",", ds.EnumerateArray().Select(x => $"{x.GetProperty("Name").GetString()}={x.GetProperty("Value").GetString()}")) : string.Empty;
                var (count, sum) = d.TryGetProperty("StatisticValues", out var s)
                    ? (s.GetProperty("SampleCount").GetDouble(), s.GetProperty("Sum").GetDouble())
                    : (1d, d.GetProperty("Value").GetDouble());
                var key = (ns, d.GetProperty("MetricName").GetString()!, dims);
                var at = DateTimeOffset.FromUnixTimeSeconds((long)d.GetProperty("Timestamp").GetDouble());
                sent[key] = sent.TryGetValue(key, out var v) ? (v.Count + count, v.Sum + sum, at) : (count, sum, at);
            }
        }

        // The busiest counter and the busiest distribution, read back through aws-cli.
        var counter = sent.Where(p => p.Key.Name == "ADCETasksCompleted").MaxBy(p => p.Value.Sum);
        // (An outcome series: moto answers a query without dimensions from every datum of the name, so a rollup's own
        // figures are not readable there; the rollup is checked against what was sent below.)
        var distribution = sent.Where(p => p.Key.Name.EndsWith("Duration", StringComparison.Ordinal) && p.Key.Dims.Length > 0).MaxBy(p => p.Value.Count);
        foreach (var (key, value) in new[] { counter, distribution })
        {
            var dims = key.Dims.Length == 0 ? [] : key.Dims.Split(',').Select(x => (x.Split('=')[0], x.Split('=')[1])).ToArray();
            var stored = await AwsCli.StatisticsAsync(motoUrl, key.Ns, key.Name, value.At, dims);
            stored.SampleCount.Should().Be(value.Count, $"{key.Name} SampleCount");
            if (key.Name == "ADCETasksCompleted")
            {
                stored.Sum.Should().Be(value.Sum, "a counter's sum is exact");
            }
            else
            {
                // moto derives Sum from Values × Counts (CloudWatch takes the statistic set): within the documented 1 %.
                stored.Sum.Should().BeApproximately(value.Sum, value.Sum * 0.01, $"{key.Name} Sum");
            }
        }

        // Two independent instruments of the same calls: every woven DataExtraction call made one HTTP request, which
        // .NET's System.Net.Http meter measured and the Meter bridge published.
        const string Performance = "NBA-Simulator/Performance", Runtime = "NBA-Simulator/Runtime";
        var extractions = sent.Where(p => p.Key.Ns == Performance && p.Key.Name == "DataExtractionDuration" && p.Key.Dims.StartsWith("Status=", StringComparison.Ordinal)).Sum(p => p.Value.Count);
        extractions.Should().BeGreaterThan(0);
        // Here the exporter's own PutMetricData calls are HttpClient requests too: they add at most one each.
        var http = sent[(Runtime, "http.client.request.duration", string.Empty)];
        http.Count.Should().BeInRange(extractions, extractions + proxy.Requests.Count, "one HTTP request per extraction, plus the exporter's own");
        (await AwsCli.StatisticsAsync(motoUrl, Runtime, "http.client.request.duration", http.At)).SampleCount.Should().Be(http.Count);
        sent.Keys.Should().Contain(k => k.Ns == Runtime && k.Name == "dotnet.process.memory.working_set", "System.Runtime is bridged too");

        // Rollup = true: the design's no-dimension query has its own metric, holding every outcome.
        sent[(Performance, "DataExtractionDuration", string.Empty)].Count.Should().Be(extractions);
        using var listed = await AwsCli.RunAsync(motoUrl, "cloudwatch", "list-metrics", "--namespace", Performance, "--metric-name", "DataExtractionDuration");
        listed.RootElement.GetProperty("Metrics").EnumerateArray().Should().Contain(m => m.GetProperty("Dimensions").GetArrayLength() == 0);
    }

    [Fact]
    public async Task With_EMF_the_bridged_HTTP_meter_counts_exactly_the_woven_extractions_and_the_rollup_holds_every_outcome()
    {
        var ct = TestContext.Current.CancellationToken;
        var work = Directory.CreateTempSubdirectory("nbasim-demo-emf-").FullName;
        var emf = Path.Combine(work, "m.emf");
        var root = PackageConsumerTests.RepositoryRoot();
        var run = await PackageConsumerTests.RunAsync("dotnet", $"run --project \"{Path.Combine(root, "samples", "NbaSim.Observability.Demo")}\" -- --duration 3 --emf-file \"{emf}\"", root, ct);
        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("EMF writes (batched)").And.NotContain("PutMetricData calls", "the EMF exporter made no PutMetricData call");
        var lines = await File.ReadAllLinesAsync(emf, ct);

        // Every document the demo writes is valid against AWS's published EMF schema and the limits the page states.
        lines.Should().NotBeEmpty();
        lines.Select((line, i) => (i, Problems: EmfSpecification.Problems(line))).Where(x => x.Problems.Count > 0)
            .Select(x => $"line {x.i + 1}: {string.Join("; ", x.Problems)}").Should().BeEmpty();

        // No HTTP leaves the process but the scraper's: the System.Net.Http meter and the woven method count the same calls.
        var success = CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Performance", "DataExtractionDuration", new Dictionary<string, string> { ["Status"] = "success" }).SampleCount;
        var failure = CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Performance", "DataExtractionDuration", new Dictionary<string, string> { ["Status"] = "failure" }).SampleCount;
        var http = CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Runtime", "http.client.request.duration", new Dictionary<string, string>());
        (success + failure).Should().BeGreaterThan(0);
        http.SampleCount.Should().Be(success + failure);
        CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Performance", "DataExtractionDuration", new Dictionary<string, string>()).SampleCount.Should().Be(success + failure);
        CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Runtime", "dotnet.process.memory.working_set", new Dictionary<string, string>()).Maximum.Should().BeGreaterThan(1_000_000);

        // The preview draws the runtime widgets from data.
        var html = await File.ReadAllTextAsync(Path.Combine(work, "dashboard.html"), ct);
        foreach (var title in new[] { "Runtime: HTTP Client Requests (p50 / p95 / p99)", "Runtime: GC and Thread Pool" })
        {
            var at = html.IndexOf(title, StringComparison.Ordinal);
            at.Should().BeGreaterThan(0, title);
            var next = html.IndexOf("<h3", at, StringComparison.Ordinal) is var n and > 0 ? n : html.Length;
            html[at..next].Should().NotContain("no data recorded", title).And.Contain("<svg", title);
        }
    }

    private sealed record Proxied(string? Target, string? ContentType, string Body, int Status);

    /// <summary>Forwards every request to moto unchanged and keeps a copy of it and the status moto answered.</summary>
    private sealed class RecordingProxy : IAsyncDisposable
    {
        private readonly HttpClient _http = new();
        private readonly string _upstream;
        private readonly Testing.LoopbackListener _listener;

        public RecordingProxy(string upstream)
        {
            _upstream = upstream;
            _listener = new Testing.LoopbackListener(ForwardAsync);
        }

        public string Url => _listener.Url;

        public ConcurrentQueue<Proxied> Requests { get; } = new();

        public ValueTask DisposeAsync()
        {
            _listener.Dispose();
            _http.Dispose();
            return ValueTask.CompletedTask;
        }

        private async Task ForwardAsync(HttpListenerContext context)
        {
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            var body = buffer.ToArray();
            using var forward = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), _upstream + context.Request.RawUrl);
            forward.Content = new ByteArrayContent(body);
            foreach (var name in context.Request.Headers.AllKeys)
            {
                if (name is null || name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var value = context.Request.Headers[name]!;
                if (!forward.Headers.TryAddWithoutValidation(name, value))
                {
                    forward.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await _http.SendAsync(forward);
            var answer = await response.Content.ReadAsByteArrayAsync();
            Requests.Enqueue(new Proxied(context.Request.Headers["X-Amz-Target"], context.Request.ContentType, Encoding.UTF8.GetString(body), (int)response.StatusCode));
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            foreach (var header in response.Headers)
            {
                context.Response.Headers[header.Key] = string.Join(",", header.Value);
            }

            context.Response.ContentLength64 = answer.Length;
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }
}
