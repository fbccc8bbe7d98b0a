using Amazon.Runtime;
using Microsoft.Extensions.Logging.Testing;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Reliability;

/// <summary>Known fake secrets go through failing exports: none may appear in logs, exceptions or EMF output.</summary>
public sealed class SecretLeakTests : IDisposable
{
    private const string AccessKey = "AKIAFAKELEAKTEST0001";
    private const string SecretKey = "fake/Secret+Key/for-leak-test-0123456789";
    private const string SessionToken = "FAKESESSIONTOKEN-leak-test-abcdefghijklmnopqrstuvwxyz";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("leak-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Credentials_session_tokens_and_signatures_never_reach_logs_exceptions_or_emf()
    {
        var signatures = new List<string>();
        var calls = 0;
        await using var server = new LoopbackAwsServer((r, _) =>
        {
            lock (signatures)
            {
                signatures.Add(r.Authorization?.Split("Signature=").Last() ?? string.Empty);
            }

            // Throttling, an error echoing nothing secret, then a validation error: every logging path runs.
            return Interlocked.Increment(ref calls) switch
            {
                1 => Task.FromResult(LoopbackAwsServer.Error(400, "Throttling", "Rate exceeded")),
                2 => Task.FromResult(LoopbackAwsServer.Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")),
                _ => Task.FromResult(LoopbackAwsServer.Error(400, "InvalidParameterValue", "The value for parameter MetricData.member.1.Value is invalid.")),
            };
        });
        var logger = new FakeLogger();
        var credentials = new SessionAWSCredentials(AccessKey, SecretKey, SessionToken);
        using var client = new CloudWatchClient(credentials, new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var registry = new MetricRegistry();
        using var exporter = new CloudWatchExporter(client, logger: new FakeLogger<CloudWatchExporter>(logger.Collector));
        var options = new NbaObservabilityOptions();
        options.Spool.Directory = Path.Combine(_dir.FullName, "spool");
        await using var sink = new BufferedMetricSink(registry, exporter, options, new FakeLogger<BufferedMetricSink>(logger.Collector));
        registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted").Add(3);

        var exceptions = new List<string>();
        var spooled = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

            // Undelivered batches wait in the spool between flushes: scan them as they are.
            spooled.AddRange(Directory.GetFiles(options.Spool.Directory, "*.spool*", SearchOption.AllDirectories).Select(File.ReadAllText));
        }

        try
        {
            await client.PutMetricDataAsync(new PutMetricDataRequest("NBA-Simulator/ADCE", [MetricDatum.CreateValue("NBA-Simulator/ADCE", "X", 1, MetricUnit.Count, DateTimeOffset.UtcNow)]), TestContext.Current.CancellationToken);
        }
        catch (Exception ex)
        {
            exceptions.Add(ex.ToString());
        }

        var emf = Path.Combine(_dir.FullName, "out.emf");
        await using (var emfExporter = new EmfExporter(new EmfExporterOptions { Path = emf }))
        {
            await emfExporter.ExportAsync([MetricDatum.CreateValue("NBA-Simulator/ADCE", "X", 1, MetricUnit.Count, DateTimeOffset.UtcNow)], TestContext.Current.CancellationToken);
        }

        spooled.Should().NotBeEmpty("undelivered batches waited in the spool");
        var everything = string.Join('\n', logger.Collector.GetSnapshot().Select(r => r.Message + " " + r.Exception))
            + string.Join('\n', exceptions) + await File.ReadAllTextAsync(emf, TestContext.Current.CancellationToken)
            + string.Concat(spooled);
        logger.Collector.Count.Should().BeGreaterThan(0, "the failure paths logged");
        exceptions.Should().NotBeEmpty();
        signatures.Should().NotBeEmpty().And.OnlyContain(s => s.Length > 20);
        foreach (var secret in new[] { SecretKey, SessionToken }.Concat(signatures))
        {
            everything.Should().NotContain(secret);
        }

        everything.Should().NotContain(AccessKey);
    }
}
