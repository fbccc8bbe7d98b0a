namespace NbaSim.Observability;

/// <summary>One object of a listing.</summary>
public readonly record struct S3ObjectEntry(string Key, long Size)
{
    /// <summary>When the object was last written, when the listing says (the cost report's storage-class advice uses it).</summary>
    public DateTimeOffset? LastModified { get; init; }
}
