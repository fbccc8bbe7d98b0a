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

    /// <summary>Periods evaluated.</summary>
    public required int EvaluationPeriods { get; init; }

    /// <summary>Breaching datapoints needed (M of N).</summary>
    public int? DatapointsToAlarm { get; init; }

    /// <summary>Threshold (absent for anomaly-band alarms).</summary>
    public double? Threshold { get; init; }

    /// <summary>GreaterThanThreshold, LessThanThreshold, LessThanLowerOrGreaterThanUpperThreshold, …</summary>
    public required string ComparisonOperator { get; init; }

    /// <summary>missing, notBreaching, breaching or ignore.</summary>
    public string? TreatMissingData { get; init; }

    /// <summary>Metric-math or anomaly-band queries.</summary>
    public IReadOnlyList<MetricDataQuery> Metrics { get; init; } = [];

    /// <summary>The id of the ANOMALY_DETECTION_BAND query for anomaly alarms.</summary>
    public string? ThresholdMetricId { get; init; }

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
        w.Integer("EvaluationPeriods", EvaluationPeriods);
        w.Integer("DatapointsToAlarm", DatapointsToAlarm);
        w.Number("Threshold", Threshold);
        w.String("ComparisonOperator", ComparisonOperator);
        w.String("TreatMissingData", TreatMissingData);
        if (Metrics.Count > 0)
        {
            w.List("Metrics", Metrics, static (m, q) => q.Write(m));
        }

        w.String("ThresholdMetricId", ThresholdMetricId);
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
    };
}
