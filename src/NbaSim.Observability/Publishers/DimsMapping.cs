namespace NbaSim.Observability;

/// <summary>One DIMS value published as a metric.</summary>
public sealed class DimsMapping
{
    /// <summary>Path in metrics.yaml, <c>category.metric</c>, e.g. <c>s3_storage.total_objects</c>.</summary>
    /// <value>The default value is empty: required.</value>
    public string Key { get; set; } = string.Empty;

    /// <summary>CloudWatch metric name, e.g. <c>DIMS_S3Objects</c>.</summary>
    /// <value>The default value is empty: required.</value>
    public string MetricName { get; set; } = string.Empty;

    /// <summary>Unit.</summary>
    /// <value>The default value is <see cref="MetricUnit.Count"/>.</value>
    public MetricUnit Unit { get; set; } = MetricUnit.Count;

    /// <summary>Constant dimensions, e.g. <c>Source=DIMS</c>.</summary>
    /// <value>The default value is none.</value>
    public Dictionary<string, string> Dimensions { get; set; } = [];
}
