using System.Net;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Aws;

/// <summary>
/// Each row of the error table (docs/reliability.md) through the loopback server, judged by what reaches the server and
/// what the pipeline counts: delivered, kept for retry, or dropped with a reason.
/// </summary>
public sealed class ErrorClassificationTests
{
    private static readonly AWSCredentials Credentials = new BasicAWSCredentials("AKIDROTATED", "rotated-secret");

    public static TheoryData<int, string> CredentialErrors => new()
    {
        { 403, "InvalidClientTokenId" }, { 400, "UnrecognizedClientException" }, { 403, "ExpiredToken" }, { 400, "ExpiredTokenException" },
        { 403, "AccessDenied" }, { 400, "AccessDeniedException" }, { 403, "SignatureDoesNotMatch" }, { 403, "IncompleteSignature" },
        { 403, "MissingAuthenticationToken" }, { 403, "OptInRequired" },
    };

    [Theory]
    [MemberData(nameof(CredentialErrors))]
    public async Task Refused_credentials_keep_every_datum_without_bisecting_and_log_once_a_minute(int status, string code)
    {
        var refusing = true;
        await using var server = new LoopbackAwsServer((r, _) => Volatile.Read(ref refusing)
            ? Task.FromResult(LoopbackAwsServer.Error(status, code, "The security token included in the request is invalid."))
            : LoopbackAwsServer.Ok(r.Action));
        var (sink, registry, logs) = Build(server);
        await using var _ = sink;
        Publish(registry, 1_000);

        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        AwsApiException.Classify(code, (HttpStatusCode)status).Should().Be(AwsErrorCategory.Credentials);
        server.Requests.Count.Should().BeLessThanOrEqualTo(2 * 4, "no bisection: one request per flush and SDK attempt, not ~2,000");
        sink.QueuedDatums.Should().Be(1_000, "every datum is kept for when the credentials are fixed");
        registry.GetDiagnostics().DatumsDropped.Should().Be(0);
        logs.GetSnapshot().Where(l => l.Level == LogLevel.Critical).Should().ContainSingle("loud, but once a minute")
            .Which.Message.Should().Contain(code).And.NotContain("rotated-secret");

        Volatile.Write(ref refusing, false);
        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        server.Accepted.SelectMany(r => r.Datums()).Should().HaveCount(1_000, "all of them arrive once the key works");
        registry.GetDiagnostics().DatumsDropped.Should().Be(0);
    }

    [Fact]
    public async Task LimitExceededException_is_throttling_the_batch_is_kept_and_not_bisected()
    {
        var limited = true;
        await using var server = new LoopbackAwsServer((r, _) => Volatile.Read(ref limited)
            ? Task.FromResult(LoopbackAwsServer.Error(400, "LimitExceededException", "Rate exceeded"))
            : LoopbackAwsServer.Ok(r.Action));
        var (sink, registry, _) = Build(server);
        await using var __ = sink;
        Publish(registry, 500);

        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        AwsApiException.Classify("LimitExceededException", HttpStatusCode.BadRequest).Should().Be(AwsErrorCategory.Throttling);
        server.Requests.Should().HaveCount(1, "retries are the SDK's (0 here); the exporter does not bisect throttling");
        sink.QueuedDatums.Should().Be(500);
        Volatile.Write(ref limited, false);
        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        server.Accepted.SelectMany(r => r.Datums()).Should().HaveCount(500);
        registry.GetDiagnostics().DatumsDropped.Should().Be(0);
    }

    [Fact]
    public async Task A_413_halves_the_batch_and_resends_until_it_fits_dropping_nothing()
    {
        // A server that takes at most 20,000 bytes per request, as a proxy with a smaller limit than CloudWatch would.
        await using var server = new LoopbackAwsServer((r, _) => Task.FromResult(r.Body.Length > 20_000
            ? new LoopbackResponse(413, "<html><body>Request Entity Too Large</body></html>")
            : LoopbackAwsServer.Ok(r.Action).Result));
        var (sink, registry, _) = Build(server);
        await using var _ = sink;
        Publish(registry, 1_000);

        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        AwsApiException.Classify(null, HttpStatusCode.RequestEntityTooLarge).Should().Be(AwsErrorCategory.RequestTooLarge);
        var delivered = server.Accepted.SelectMany(r => r.Datums()).Select(d => d.MetricName).ToList();
        delivered.Should().HaveCount(1_000).And.OnlyHaveUniqueItems();
        server.Accepted.Should().OnlyContain(r => r.Body.Length <= 20_000);
        registry.GetDiagnostics().DatumsDropped.Should().Be(0);
        sink.QueuedDatums.Should().Be(0);
    }

    [Fact]
    public async Task Only_a_validation_error_bisects_and_drops_just_the_refused_datum()
    {
        await using var server = new LoopbackAwsServer((r, _) => Task.FromResult(r.Datums().Any(d => d.MetricName == "M7")
            ? LoopbackAwsServer.Error(400, "InvalidParameterValue", "The value for parameter MetricData.member.8.Value is invalid.")
            : LoopbackAwsServer.Ok(r.Action).Result));
        var (sink, registry, _) = Build(server);
        await using var _ = sink;
        Publish(registry, 64);

        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        server.Accepted.SelectMany(r => r.Datums()).Should().HaveCount(63);
        registry.GetDiagnostics().DatumsDropped.Should().Be(1);
        sink.QueuedDatums.Should().Be(0);
    }

    [Theory]
    [InlineData(500, "InternalServiceError")]
    [InlineData(503, "ServiceUnavailable")]
    [InlineData(404, "ResourceNotFound")]
    public async Task Other_failures_keep_the_batch_for_the_next_flush(int status, string code)
    {
        await using var server = new LoopbackAwsServer((_, _) => Task.FromResult(LoopbackAwsServer.Error(status, code, "no", status >= 500 ? "Receiver" : "Sender")));
        var (sink, registry, _) = Build(server);
        await using var _ = sink;
        Publish(registry, 100);

        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        server.Requests.Should().HaveCount(1);
        sink.QueuedDatums.Should().Be(100);
        registry.GetDiagnostics().DatumsDropped.Should().Be(0);
    }

    [Fact]
    public void The_table_in_docs_reliability_md_is_the_table_in_code()
    {
        var doc = File.ReadAllLines(Path.Combine(Packaging.PackageConsumerTests.RepositoryRoot(), "docs", "reliability.md"));
        var rows = doc.SkipWhile(l => !l.StartsWith("| AWS error", StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.StartsWith('|')).ToList();
        rows.Should().NotBeEmpty("docs/reliability.md has the error table");
        var seen = 0;
        foreach (var row in rows)
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            var category = Enum.Parse<AwsErrorCategory>(cells[2].Trim('`'));
            foreach (var code in cells[1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim('`')))
            {
                var classified = int.TryParse(code.Replace("HTTP ", string.Empty, StringComparison.Ordinal), out var http)
                    ? AwsApiException.Classify(null, (HttpStatusCode)http)
                    : AwsApiException.Classify(code, HttpStatusCode.BadRequest);
                classified.Should().Be(category, $"the doc says {code} is {category}");
                seen++;
            }
        }

        seen.Should().BeGreaterThan(20);
    }

    private static (BufferedMetricSink Sink, MetricRegistry Registry, FakeLogCollector Logs) Build(LoopbackAwsServer server)
    {
        var client = new CloudWatchClient(Credentials, new CloudWatchClientConfig
        {
            ServiceURL = server.Url,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            DisableRequestCompression = true,
        });
        var collector = new FakeLogCollector();
        var exporterLogger = new FakeLogger<CloudWatchExporter>(collector);
        var options = new NbaObservabilityOptions();
        var registry = new MetricRegistry(options);
        var exporter = new CloudWatchExporter(client, 1, exporterLogger, ownsClient: true);
        var sink = new BufferedMetricSink(registry, exporter, options);
        return (sink, registry, collector);
    }

    private static void Publish(MetricRegistry registry, int datums)
    {
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < datums; i++)
        {
            registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/ADCE", $"M{i}", i, MetricUnit.Count, at));
        }
    }
}
