namespace NbaSim.Observability;

/// <summary>The inventory of one bucket.</summary>
public sealed record S3BucketInventory(string Bucket, long Objects, long Bytes, IReadOnlyDictionary<string, (long Objects, long Bytes)> ByPrefix)
{
    /// <summary>Size in GiB, as the design publishes it (bytes / 1024³).</summary>
    public double SizeGB => Bytes / (1024.0 * 1024 * 1024);
}
