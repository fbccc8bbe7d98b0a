namespace NbaSim.Observability.Cli.Cost;

/// <summary>
/// The list prices the cost report uses (US East, N. Virginia; the table in docs/monitoring/COST_OPTIMIZATION.md).
/// One place, so a price change is one edit.
/// </summary>
internal static class CostPrices
{
    /// <summary>
    /// OTel metrics ingested, per GB (the serialized size of each point's name, labels, resource attributes, timestamp
    /// and value). Source: AWS's launch blog for CloudWatch OpenTelemetry metrics ($0.50/GB); not confirmed on the
    /// pricing page when this was written, so check it there before deciding on it.
    /// </summary>
    public const decimal OtelIngestedGb = 0.50m;

    /// <summary>A custom metric, per month (first 10,000).</summary>
    public const decimal MetricMonth = 0.30m;

    /// <summary>A standard-resolution alarm, per month.</summary>
    public const decimal StandardAlarmMonth = 0.10m;

    /// <summary>An anomaly-detection alarm: three metrics (the metric and the band's two), per month.</summary>
    public const decimal AnomalyAlarmMonth = 0.30m;

    /// <summary>A dashboard past the first three, per month.</summary>
    public const decimal DashboardMonth = 3.00m;

    /// <summary>Dashboards free per account.</summary>
    public const int FreeDashboards = 3;

    /// <summary>CloudWatch API requests (PutMetricData, GetMetricData, …), per 1,000.</summary>
    public const decimal ApiThousandRequests = 0.01m;

    /// <summary>A Cost Explorer API request.</summary>
    public const decimal CostExplorerRequest = 0.01m;

    /// <summary>S3 Standard, per GB-month (first 50 TB).</summary>
    public const decimal S3StandardGbMonth = 0.023m;

    /// <summary>S3 Intelligent-Tiering, Infrequent Access tier (objects not read for 30 days), per GB-month.</summary>
    public const decimal S3IntelligentTieringInfrequentGbMonth = 0.0125m;

    /// <summary>S3 Intelligent-Tiering monitoring, per 1,000 objects (over 128 KB) a month.</summary>
    public const decimal S3IntelligentTieringMonitoringThousandObjects = 0.0025m;

    /// <summary>S3 Glacier Instant Retrieval, per GB-month.</summary>
    public const decimal S3GlacierInstantGbMonth = 0.004m;

    /// <summary>S3 Glacier Instant Retrieval, per GB read back.</summary>
    public const decimal S3GlacierInstantRetrievalGb = 0.03m;

    /// <summary>Seconds in a 30-day month.</summary>
    public const int SecondsPerMonth = 2_592_000;
}
