namespace NbaSim.Observability;

/// <summary>Lists a bucket page by page; an implementation must not hold more than one page in memory.</summary>
public interface IS3ObjectLister
{
    /// <summary>The bucket's objects, one page at a time.</summary>
    IAsyncEnumerable<IReadOnlyList<S3ObjectEntry>> ListPagesAsync(string bucket, CancellationToken cancellationToken);

    /// <summary>True when the objects are simulated (the demo without AWS).</summary>
    bool IsSimulated => false;
}
