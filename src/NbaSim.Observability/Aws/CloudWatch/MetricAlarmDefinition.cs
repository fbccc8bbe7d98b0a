using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Aws.CloudWatch;

/// <summary>A metric alarm's definition, as PutMetricAlarm takes it and DescribeAlarms returns it.</summary>
internal sealed record MetricAlarmDefinition
{
    /// <summary>Name.</summary>
    public required string AlarmName { get; init; }

    /// <summary>Description.</summary>
    public string? AlarmDescription { get; init; }

    /// <summary>Whether actions run on state changes.</summary>
    public bool? ActionsEnabled { get; init; }

    /// <summary>Actions on OK.</summary>
    public IReadOnlyList<string> OKActions { get; init; } = [];

    /// <summary>Actions on ALARM (e.g. an SNS topic ARN).</summary>
    public IReadOnlyList<string> AlarmActions { get; init; } = [];

    /// <summary>Actions on INSUFFICIENT_DATA.</summary>
    public IReadOnlyList<string> InsufficientDataActions { get; init; } = [];

    /// <summary>Metric name (single-metric alarms).</summary>
    public string? MetricName { get; init; }

    /// <summary>Namespace (single-metric alarms).</summary>
    public string? Namespace { get; init; }

    /// <summary>SampleCount, Average, Sum, Minimum or Maximum.</summary>
    public string? Statistic { get; init; }

    /// <summary>A percentile such as p99.</summary>
    public string? ExtendedStatistic { get; init; }

    /// <summary>Dimensions (single-metric alarms).</summary>
    public IReadOnlyList<MetricDimension> Dimensions { get; init; } = [];

    /// <summary>Period in seconds.</summary>
    public int? Period { get; init; }

    /// <summary>Unit.</summary>
    public MetricUnit? Unit { get; init; }

    /// <summary>Periods evaluated; 0 for a PromQL alarm (not sent).</summary>
    public required int EvaluationPeriods { get; init; }

    /// <summary>Breaching datapoints needed (M of N).</summary>
    public int? DatapointsToAlarm { get; init; }

    /// <summary>Threshold (absent for anomaly-band alarms).</summary>
    public double? Threshold { get; init; }

    /// <summary>GreaterThanThreshold, LessThanThreshold, LessThanLowerOrGreaterThanUpperThreshold, …; empty for a PromQL alarm (not sent: the threshold is in the query).</summary>
    public required string ComparisonOperator { get; init; }

    /// <summary>missing, notBreaching, breaching or ignore.</summary>
    public string? TreatMissingData { get; init; }

    /// <summary>Metric-math or anomaly-band queries.</summary>
    public IReadOnlyList<MetricDataQuery> Metrics { get; init; } = [];

    /// <summary>The id of the ANOMALY_DETECTION_BAND query for anomaly alarms.</summary>
    public string? ThresholdMetricId { get; init; }

    /// <summary>A PromQL alarm's query and durations (<c>EvaluationCriteria.PromQLCriteria</c>); null for a metric alarm.</summary>
    public PromQLCriteria? PromQL { get; init; }

    /// <summary>How often a PromQL alarm evaluates its query, in seconds: 10, 20, 30 or a multiple of 60 up to 3,600.</summary>
    public int? EvaluationInterval { get; init; }

    internal void Write(IShapeWriter w)
    {
        w.String("AlarmName", AlarmName);
        w.String("AlarmDescription", AlarmDescription);
        w.Boolean("ActionsEnabled", ActionsEnabled);
        Shapes.WriteNonEmpty(w, "OKActions", OKActions);
        Shapes.WriteNonEmpty(w, "AlarmActions", AlarmActions);
        Shapes.WriteNonEmpty(w, "InsufficientDataActions", InsufficientDataActions);
        w.String("MetricName", MetricName);
        w.String("Namespace", Namespace);
        w.String("Statistic", Statistic);
        w.String("ExtendedStatistic", ExtendedStatistic);
        Shapes.WriteDimensions(w, "Dimensions", Dimensions);
        w.Integer("Period", Period);
        w.String("Unit", Unit?.ToWireName());
        w.Integer("EvaluationPeriods", PromQL is null || EvaluationPeriods > 0 ? EvaluationPeriods : null);
        w.Integer("DatapointsToAlarm", DatapointsToAlarm);
        w.Number("Threshold", Threshold);
        w.String("ComparisonOperator", ComparisonOperator.Length > 0 ? ComparisonOperator : null);
        w.String("TreatMissingData", TreatMissingData);
        if (Metrics.Count > 0)
        {
            w.List("Metrics", Metrics, static (m, q) => q.Write(m));
        }

        w.String("ThresholdMetricId", ThresholdMetricId);
        if (PromQL is { } promQL)
        {
            w.Structure("EvaluationCriteria", c => c.Structure("PromQLCriteria", q =>
            {
                q.String("Query", promQL.Query);
                q.Integer("PendingPeriod", promQL.PendingPeriod);
                q.Integer("RecoveryPeriod", promQL.RecoveryPeriod);
            }));
        }

        w.Integer("EvaluationInterval", EvaluationInterval);
    }

    internal static MetricAlarmDefinition Read(ShapeNode n) => new()
    {
        AlarmName = n.String("AlarmName") ?? string.Empty,
        AlarmDescription = n.String("AlarmDescription"),
        ActionsEnabled = n.Boolean("ActionsEnabled"),
        OKActions = n.StringList("OKActions"),
        AlarmActions = n.StringList("AlarmActions"),
        InsufficientDataActions = n.StringList("InsufficientDataActions"),
        MetricName = n.String("MetricName"),
        Namespace = n.String("Namespace"),
        Statistic = n.String("Statistic"),
        ExtendedStatistic = n.String("ExtendedStatistic"),
        Dimensions = Shapes.ReadDimensions(n, "Dimensions"),
        Period = (int?)n.Integer("Period"),
        Unit = Shapes.ReadUnit(n, "Unit"),
        EvaluationPeriods = (int)(n.Integer("EvaluationPeriods") ?? 0),
        DatapointsToAlarm = (int?)n.Integer("DatapointsToAlarm"),
        Threshold = n.Number("Threshold"),
        ComparisonOperator = n.String("ComparisonOperator") ?? string.Empty,
        TreatMissingData = n.String("TreatMissingData"),
        Metrics = n.List("Metrics").Select(MetricDataQuery.Read).ToList(),
        ThresholdMetricId = n.String("ThresholdMetricId"),
        PromQL = n.Child("EvaluationCriteria")?.Child("PromQLCriteria") is { } q
            ? new PromQLCriteria(q.String("Query") ?? string.Empty, (int?)q.Integer("PendingPeriod"), (int?)q.Integer("RecoveryPeriod"))
            : null,
        EvaluationInterval = (int?)n.Integer("EvaluationInterval"),
    };
}

/// <summary>
/// A PromQL alarm's criteria: the query (it returns the breaching series, the threshold inside it), how long a series
/// must breach before ALARM (<c>PendingPeriod</c>, Prometheus's <c>for</c>) and stay away before OK (<c>RecoveryPeriod</c>).
/// </summary>
/// <param name="Query">The PromQL instant query, 1 to 10,000 characters.</param>
/// <param name="PendingPeriod">Seconds, 0 to 86,400.</param>
/// <param name="RecoveryPeriod">Seconds, 0 to 86,400.</param>
internal sealed record PromQLCriteria(string Query, int? PendingPeriod = null, int? RecoveryPeriod = null)
{
    /// <summary>Longest query CloudWatch accepts.</summary>
    public const int MaxQueryLength = 10_000;
}
