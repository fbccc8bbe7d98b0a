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
