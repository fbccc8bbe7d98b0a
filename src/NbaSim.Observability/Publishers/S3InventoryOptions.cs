using NbaSim.Observability.Configuration.Validators;

namespace NbaSim.Observability;

/// <summary>Settings of the S3 inventory publisher (<c>NbaObservability:S3Inventory</c>).</summary>
public sealed class S3InventoryOptions
{
    /// <summary>Buckets to inventory. Default: <c>nba-sim-raw-data-lake</c>.</summary>
    /// <value>The default value is <c>nba-sim-raw-data-lake</c>.</value>
    public List<string> Buckets { get; set; } = ["nba-sim-raw-data-lake"];

    /// <summary>Also publish count and size per key prefix (dimension Prefix). Default false.</summary>
    /// <value>The default value is false.</value>
    public bool PrefixBreakdown { get; set; }

    /// <summary>How many '/'-separated segments make a prefix. Default 1; 1 to 10.</summary>
    /// <value>The default value is 1.</value>
    [SettingRange("S3Inventory:PrefixDepth", 1, 10)]
    public int PrefixDepth { get; set; } = 1;

    /// <summary>Most prefixes published per bucket; the rest add up under Prefix=(other). Default 100; 1 to 1,000.</summary>
    /// <value>The default value is 100.</value>
    [SettingRange("S3Inventory:MaxPrefixes", 1, 1000)]
    public int MaxPrefixes { get; set; } = 100;

    /// <summary>Endpoint override (moto, LocalStack, MinIO). Default: the regional S3 endpoint.</summary>
    /// <value>The default value is the regional S3 endpoint.</value>
    [HttpUrl("S3Inventory:ServiceUrl")]
    public string? ServiceUrl { get; set; }

    /// <summary>Region. Default: the SDK's resolution.</summary>
    /// <value>The default value is the SDK's resolution.</value>
    public string? Region { get; set; }

    /// <summary>Path-style addressing (needed for moto on 127.0.0.1). Default: true when ServiceUrl is set.</summary>
    /// <value>The default value is true when ServiceUrl is set.</value>
    public bool? ForcePathStyle { get; set; }
}
