using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Reliability;

/// <summary>A spool backlog leaves in full batches, and a clean run leaves no file behind.</summary>
public sealed class SpoolReplayTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nbasim-replay-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_ten_minute_outage_at_one_second_resolution_replays_in_full_batches()
    {
        var ct = TestContext.Current.CancellationToken;
        var down = true;
        await using var server = new LoopbackAwsServer((r, _) => Volatile.Read(ref down)
            ? Task.FromResult(LoopbackAwsServer.Error(503, "ServiceUnavailable", "outage", "Receiver"))
            : LoopbackAwsServer.Ok(r.Action));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new NbaObservabilityOptions { HighResolutionByDefault = true };
        options.Spool.Directory = Path.Combine(_dir.FullName, "spool");
        var registry = new MetricRegistry(options, time);
        using var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("a", "b"), new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0, DisableRequestCompression = true });
        using var exporter = new CloudWatchExporter(client);
        await using var sink = new BufferedMetricSink(registry, exporter, options);
        var series = new[] { "NBA-Simulator/ADCE", "NBA-Simulator/DataCollection" }
            .SelectMany(ns => Enumerable.Range(0, 5).Select(i => registry.Counter(ns, "Ticks", MetricUnit.Count, new MetricDimension("Worker", $"w{i}"))))
            .ToArray();

        for (var second = 0; second < 600; second++)
        {
            foreach (var s in series)
            {
                s.Increment();
            }

            time.Advance(TimeSpan.FromSeconds(1));
            await sink.ForceFlushAsync(ct);
        }

        var datums = sink.QueuedDatums;
        datums.Should().Be(6000);
        Directory.GetFiles(options.Spool.Directory, "*.spool").Length.Should().BeGreaterThan(500, "one spool file per flush during the outage");
        var failedCalls = server.Requests.Count;

        Volatile.Write(ref down, false);
        await sink.ForceFlushAsync(ct);

        var calls = server.Requests.Count - failedCalls;
        calls.Should().BeLessThanOrEqualTo((datums / options.MaxDatumsPerBatch) + 2, "datums / batch limit, give or take one call per namespace");
        server.Accepted.SelectMany(r => r.Datums()).Sum(d => d.SampleCount).Should().Be(6000);
        Directory.GetFiles(options.Spool.Directory, "*.spool").Should().BeEmpty();
    }

    [Fact]
    public async Task A_clean_run_against_a_reachable_endpoint_ends_with_the_spool_empty()
    {
        await using var server = new LoopbackAwsServer((r, _) => LoopbackAwsServer.Ok(r.Action));
        var options = new NbaObservabilityOptions { HighResolutionByDefault = true, FlushInterval = TimeSpan.FromMilliseconds(200), ShutdownTimeout = TimeSpan.FromSeconds(60) };
        options.Spool.Directory = Path.Combine(_dir.FullName, "clean");
        var registry = new MetricRegistry(options);
        using var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("a", "b"), new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1" });
        using var exporter = new CloudWatchExporter(client);
        var sink = new BufferedMetricSink(registry, exporter, options);
        sink.Start();
        var counter = registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted");
        var until = DateTime.UtcNow.AddSeconds(3);
        long recorded = 0;
        while (DateTime.UtcNow < until)
        {
            counter.Increment();
            recorded++;
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }

        await sink.DisposeAsync();

        Directory.GetFiles(options.Spool.Directory, "*.spool").Should().BeEmpty();
        server.Accepted.SelectMany(r => r.Datums()).Sum(d => d.SampleCount).Should().Be(recorded);
    }
}
