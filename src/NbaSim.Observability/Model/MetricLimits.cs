namespace NbaSim.Observability;

/// <summary>CloudWatch's documented limits for custom metrics (PutMetricData, MetricDatum, Dimension).</summary>
public static class MetricLimits
{
    /// <summary>Longest namespace.</summary>
    public const int MaxNamespaceLength = 255;
    /// <summary>Longest metric name.</summary>
    public const int MaxMetricNameLength = 255;
    /// <summary>Most dimensions on one metric.</summary>
    public const int MaxDimensions = 30;
    /// <summary>Longest dimension name.</summary>
    public const int MaxDimensionNameLength = 255;
    /// <summary>Longest dimension name in an Embedded Metric Format document (the EMF schema's limit; PutMetricData allows <see cref="MaxDimensionNameLength"/>).</summary>
    public const int MaxEmfDimensionNameLength = 250;
    /// <summary>Largest Embedded Metric Format document, in bytes of UTF-8 (the specification's 1 MB, taken as 1,000,000 to be below either reading).</summary>
    public const int MaxEmfDocumentBytes = 1_000_000;
    /// <summary>The member EMF reserves for its metadata; no metric or dimension may take this name.</summary>
    public const string ReservedEmfName = "_aws";
    /// <summary>Longest dimension value.</summary>
    public const int MaxDimensionValueLength = 1024;
    /// <summary>Most values (and counts) in one datum.</summary>
    public const int MaxValuesPerDatum = 150;
    /// <summary>Most datums in one PutMetricData request.</summary>
    public const int MaxDatumsPerRequest = 1000;
    /// <summary>Largest PutMetricData request body, in bytes.</summary>
    public const int MaxRequestBytes = 1_000_000;
    /// <summary>How far in the past a datum's timestamp may be.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(14);
    /// <summary>How far in the future a datum's timestamp may be.</summary>
    public static readonly TimeSpan MaxFuture = TimeSpan.FromHours(2);
    /// <summary>Largest magnitude CloudWatch accepts for a value: 2^360.</summary>
    public static readonly double MaxMagnitude = Math.Pow(2, 360);
}
