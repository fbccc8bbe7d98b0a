using Microsoft.Extensions.Options;

namespace NbaSim.Observability.Publishers;
/// <summary>
/// <c>S3ObjectCount</c> (Count) and <c>S3TotalSizeGB</c> (Gigabytes), dimension Bucket, in NBA-Simulator/DataCollection.
/// The listing streams page by page: memory holds one page (≤ 1,000 keys) plus the per-prefix totals.
/// </summary>
internal sealed class S3InventoryPublisher(INbaMetrics metrics, IS3ObjectLister lister, IOptions<S3InventoryOptions> options, TimeProvider time) : IS3InventoryPublisher
{
    private const string OtherPrefix = "(other)";

    public async Task<IReadOnlyList<S3BucketInventory>> PublishAsync(IProgress<S3InventoryProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var inventories = new List<S3BucketInventory>();
        foreach (var bucket in settings.Buckets)
        {
            var inventory = await CountAsync(bucket, settings, progress, cancellationToken).ConfigureAwait(false);
            inventories.Add(inventory);
            Publish(inventory);
        }

        return inventories;
    }

    internal async Task<S3BucketInventory> CountAsync(string bucket, S3InventoryOptions settings, IProgress<S3InventoryProgress>? progress, CancellationToken cancellationToken)
    {
        long objects = 0, bytes = 0;
        var byPrefix = new Dictionary<string, (long Objects, long Bytes)>(StringComparer.Ordinal);
        await foreach (var page in lister.ListPagesAsync(bucket, cancellationToken).ConfigureAwait(false))
        {
            foreach (var entry in page)
            {
                objects++;
                bytes += entry.Size;
                if (settings.PrefixBreakdown)
                {
                    var prefix = PrefixOf(entry.Key, settings.PrefixDepth);
                    if (!byPrefix.ContainsKey(prefix) && byPrefix.Count >= settings.MaxPrefixes)
                    {
                        prefix = OtherPrefix;
                    }

                    var (o, b) = byPrefix.GetValueOrDefault(prefix);
                    byPrefix[prefix] = (o + 1, b + entry.Size);
                }
            }

            progress?.Report(new S3InventoryProgress(bucket, objects, bytes));
        }

        return new S3BucketInventory(bucket, objects, bytes, byPrefix);
    }

    internal static string PrefixOf(string key, int depth)
    {
        var index = -1;
        for (var i = 0; i < depth; i++)
        {
            var next = key.IndexOf('/', index + 1);
            if (next < 0)
            {
                return index < 0 ? "(root)" : key[..(index + 1)];
            }

            index = next;
        }

        return key[..(index + 1)];
    }

    private void Publish(S3BucketInventory inventory)
    {
        var now = time.GetUtcNow();
        MetricDimension[] bucket = [new("Bucket", inventory.Bucket)];
        metrics.Enqueue(MetricDatum.CreateValue(NbaMetricNames.DataCollection, NbaMetricNames.S3ObjectCount, inventory.Objects, MetricUnit.Count, now, bucket, now: now));
        metrics.Enqueue(MetricDatum.CreateValue(NbaMetricNames.DataCollection, NbaMetricNames.S3TotalSizeGB, inventory.SizeGB, MetricUnit.Gigabytes, now, bucket, now: now));
        foreach (var (prefix, (objects, bytes)) in inventory.ByPrefix)
        {
            MetricDimension[] dims = [new("Bucket", inventory.Bucket), new("Prefix", prefix)];
            metrics.Enqueue(MetricDatum.CreateValue(NbaMetricNames.DataCollection, NbaMetricNames.S3ObjectCount, objects, MetricUnit.Count, now, dims, now: now));
            metrics.Enqueue(MetricDatum.CreateValue(NbaMetricNames.DataCollection, NbaMetricNames.S3TotalSizeGB, bytes / (1024.0 * 1024 * 1024), MetricUnit.Gigabytes, now, dims, now: now));
        }
    }
}
