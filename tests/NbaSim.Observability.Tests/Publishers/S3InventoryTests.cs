using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using NbaSim.Observability.Publishers;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Publishers;

/// <summary>The S3 inventory against a real S3 endpoint (moto, path-style) holding 5,000+ objects across prefixes.</summary>
public sealed class S3InventoryTests(MotoServer moto)
{
    private static readonly SemaphoreSlim SeedGate = new(1, 1);
    private static (string Bucket, long Objects, long Bytes, Dictionary<string, (long, long)> ByPrefix)? s_seeded;

    [Fact]
    public async Task Count_and_size_match_exactly_across_pages_with_a_per_prefix_breakdown_and_progress()
    {
        var (bucket, objects, bytes, byPrefix) = await SeedAsync();
        using var s3 = await ClientAsync();
        var pipeline = new Infrastructure.Pipeline(start: DateTimeOffset.UtcNow);
        var options = Options.Create(new S3InventoryOptions { Buckets = [bucket], PrefixBreakdown = true });
        var publisher = new S3InventoryPublisher(pipeline.Registry, new AmazonS3ObjectLister(s3), options, pipeline.Time);
        var progress = new List<S3InventoryProgress>();

        var result = (await publisher.PublishAsync(new SynchronousProgress(progress), TestContext.Current.CancellationToken)).Single();

        result.Objects.Should().Be(objects);
        result.Bytes.Should().Be(bytes);
        result.ByPrefix.Should().BeEquivalentTo(byPrefix);
        progress.Should().HaveCountGreaterThanOrEqualTo(6, "one report per 1,000-key page");
        progress.Select(p => p.Objects).Should().BeInAscendingOrder().And.EndWith(objects);

        await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        var datums = pipeline.Exporter.Datums.ToList();
        datums.Single(d => d.MetricName == "S3ObjectCount" && d.Dimensions.Count == 1).Should().Match<MetricDatum>(d =>
            d.Value == objects && d.Unit == MetricUnit.Count && d.Namespace == "NBA-Simulator/DataCollection" && d.Dimensions[0] == new MetricDimension("Bucket", bucket));
        datums.Single(d => d.MetricName == "S3TotalSizeGB" && d.Dimensions.Count == 1).Should().Match<MetricDatum>(d =>
            d.Value == bytes / (1024.0 * 1024 * 1024) && d.Unit == MetricUnit.Gigabytes);
        datums.Count(d => d.Dimensions.Any(x => x.Name == "Prefix")).Should().Be(2 * byPrefix.Count);
    }

    [Fact]
    public async Task Cancellation_stops_the_listing()
    {
        var (bucket, _, _, _) = await SeedAsync();
        using var s3 = await ClientAsync();
        var pipeline = new Infrastructure.Pipeline(start: DateTimeOffset.UtcNow);
        var publisher = new S3InventoryPublisher(pipeline.Registry, new AmazonS3ObjectLister(s3), Options.Create(new S3InventoryOptions { Buckets = [bucket] }), pipeline.Time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var act = () => publisher.PublishAsync(new SynchronousProgress(_ => cts.Cancel()), cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        pipeline.Exporter.Datums.Should().BeEmpty("a cancelled inventory publishes no partial count");
    }

    private async Task<AmazonS3Client> ClientAsync()
        => new(MotoServer.Credentials, new AmazonS3Config { ServiceURL = await moto.UrlAsync(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>5,200 objects of varied sizes under four prefixes and the root, created once per test run.</summary>
    private async Task<(string, long, long, Dictionary<string, (long, long)>)> SeedAsync()
    {
        await SeedGate.WaitAsync();
        try
        {
            if (s_seeded is { } done)
            {
                return done;
            }

            using var s3 = await ClientAsync();
            var bucket = $"nba-sim-raw-data-lake-{Guid.NewGuid():N}"[..40];
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
            string[] prefixes = ["box_scores/", "play_by_play/", "schedule/", "injuries/", string.Empty];
            var byPrefix = new Dictionary<string, (long, long)>();
            long total = 0;
            var keys = Enumerable.Range(0, 5200).Select(i => (Key: $"{prefixes[i % prefixes.Length]}{2000 + (i % 26)}/game_{i:D6}.json", Size: (i * 37 % 2048) + 1)).ToList();
            foreach (var (key, size) in keys)
            {
                var prefix = S3InventoryPublisher.PrefixOf(key, 1);
                var (o, b) = byPrefix.GetValueOrDefault(prefix);
                byPrefix[prefix] = (o + 1, b + size);
                total += size;
            }

            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, ct) =>
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = item.Key, ContentBody = new string('x', item.Size) }, ct));
            s_seeded = (bucket, keys.Count, total, byPrefix);
            return s_seeded.Value;
        }
        finally
        {
            SeedGate.Release();
        }
    }

    private sealed class SynchronousProgress(Action<S3InventoryProgress> report) : IProgress<S3InventoryProgress>
    {
        public SynchronousProgress(List<S3InventoryProgress> into)
            : this(into.Add)
        {
        }

        public void Report(S3InventoryProgress value) => report(value);
    }
}
