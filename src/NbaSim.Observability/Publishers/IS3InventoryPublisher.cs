namespace NbaSim.Observability;

/// <summary>Counts the objects and bytes of each configured bucket and publishes S3ObjectCount and S3TotalSizeGB.</summary>
public interface IS3InventoryPublisher
{
    /// <summary>Lists every configured bucket (streaming) and publishes its totals.</summary>
    Task<IReadOnlyList<S3BucketInventory>> PublishAsync(IProgress<S3InventoryProgress>? progress = null, CancellationToken cancellationToken = default);
}
