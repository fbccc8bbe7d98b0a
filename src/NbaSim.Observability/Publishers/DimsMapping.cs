namespace NbaSim.Observability;

/// <summary>One DIMS value published as a metric.</summary>
public sealed class DimsMapping
{
    /// <summary>Path in metrics.yaml, <c>category.metric</c>, e.g. <c>s3_storage.total_objects</c>.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>CloudWatch metric name, e.g. <c>DIMS_S3Objects</c>.</summary>
    public string MetricName { get; set; } = string.Empty;

    /// <summary>Unit. Default Count.</summary>
    public MetricUnit Unit { get; set; } = MetricUnit.Count;

    /// <summary>Constant dimensions, e.g. <c>Source=DIMS</c>.</summary>
    public Dictionary<string, string> Dimensions { get; set; } = [];
}
