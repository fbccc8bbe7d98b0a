using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;



namespace NbaSim.Observability;

/// <summary>Settings of the S3 inventory publisher (<c>NbaObservability:S3Inventory</c>).</summary>
public sealed class S3InventoryOptions
{
    /// <summary>Buckets to inventory. Default: <c>nba-sim-raw-data-lake</c>.</summary>
    public List<string> Buckets { get; set; } = ["nba-sim-raw-data-lake"];

    /// <summary>Also publish count and size per key prefix (dimension Prefix). Default false.</summary>
    public bool PrefixBreakdown { get; set; }

    /// <summary>How many '/'-separated segments make a prefix. Default 1; 1 to 10.</summary>
    public int PrefixDepth { get; set; } = 1;

    /// <summary>Most prefixes published per bucket; the rest add up under Prefix=(other). Default 100; 1 to 1,000.</summary>
    public int MaxPrefixes { get; set; } = 100;

    /// <summary>Endpoint override (moto, LocalStack, MinIO). Default: the regional S3 endpoint.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Region. Default: the SDK's resolution.</summary>
    public string? Region { get; set; }

    /// <summary>Path-style addressing (needed for moto on 127.0.0.1). Default: true when ServiceUrl is set.</summary>
    public bool? ForcePathStyle { get; set; }
}

/// <summary>One object of a listing.</summary>
public readonly record struct S3ObjectEntry(string Key, long Size)
{
    /// <summary>When the object was last written, when the listing says (the cost report's storage-class advice uses it).</summary>
    public DateTimeOffset? LastModified { get; init; }
}

/// <summary>Lists a bucket page by page; an implementation must not hold more than one page in memory.</summary>
public interface IS3ObjectLister
{
    /// <summary>The bucket's objects, one page at a time.</summary>
    IAsyncEnumerable<IReadOnlyList<S3ObjectEntry>> ListPagesAsync(string bucket, CancellationToken cancellationToken);

    /// <summary>True when the objects are simulated (the demo without AWS).</summary>
    bool IsSimulated => false;
}

/// <summary>ListObjectsV2 through AWSSDK.S3's paginator.</summary>
public sealed class AmazonS3ObjectLister(IAmazonS3 s3) : IS3ObjectLister
{
    /// <inheritdoc />
    public async IAsyncEnumerable<IReadOnlyList<S3ObjectEntry>> ListPagesAsync(string bucket, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var paginator = s3.Paginators.ListObjectsV2(new ListObjectsV2Request { BucketName = bucket });
        await foreach (var page in paginator.Responses.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var objects = page.S3Objects;
            yield return objects is null ? [] : objects.Select(o => new S3ObjectEntry(o.Key, o.Size ?? 0)
            {
                LastModified = o.LastModified is { } modified ? new DateTimeOffset(modified.Kind == DateTimeKind.Local ? modified.ToUniversalTime() : DateTime.SpecifyKind(modified, DateTimeKind.Utc)) : null,
            }).ToList();
        }
    }
}

/// <summary>Progress of an inventory run.</summary>
/// <param name="Bucket">Bucket being listed.</param>
/// <param name="Objects">Objects counted so far in this bucket.</param>
/// <param name="Bytes">Bytes counted so far in this bucket.</param>
public readonly record struct S3InventoryProgress(string Bucket, long Objects, long Bytes);

/// <summary>The inventory of one bucket.</summary>
public sealed record S3BucketInventory(string Bucket, long Objects, long Bytes, IReadOnlyDictionary<string, (long Objects, long Bytes)> ByPrefix)
{
    /// <summary>Size in GiB, as the design publishes it (bytes / 1024³).</summary>
    public double SizeGB => Bytes / (1024.0 * 1024 * 1024);
}

/// <summary>Counts the objects and bytes of each configured bucket and publishes S3ObjectCount and S3TotalSizeGB.</summary>
public interface IS3InventoryPublisher
{
    /// <summary>Lists every configured bucket (streaming) and publishes its totals.</summary>
    Task<IReadOnlyList<S3BucketInventory>> PublishAsync(IProgress<S3InventoryProgress>? progress = null, CancellationToken cancellationToken = default);
}
