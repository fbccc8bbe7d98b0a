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

/// <summary>PutMetricAlarm: creates or replaces an alarm.</summary>
internal sealed class PutMetricAlarmRequest(MetricAlarmDefinition alarm) : AwsRequest<PutMetricAlarmResponse>
{
    /// <summary>The alarm.</summary>
    public MetricAlarmDefinition Alarm { get; } = alarm ?? throw new ArgumentNullException(nameof(alarm));

    internal override string Operation => "PutMetricAlarm";

    internal override void Write(IShapeWriter w) => Alarm.Write(w);
}

/// <summary>The (empty) answer to PutMetricAlarm.</summary>
internal sealed class PutMetricAlarmResponse : AwsResponse;

/// <summary>DescribeAlarms.</summary>
internal sealed class DescribeAlarmsRequest : AwsRequest<DescribeAlarmsResponse>
{
    /// <summary>Names (up to 100).</summary>
    public IReadOnlyList<string> AlarmNames { get; init; } = [];

    /// <summary>Name prefix.</summary>
    public string? AlarmNamePrefix { get; init; }

    /// <summary>MetricAlarm and/or CompositeAlarm.</summary>
    public IReadOnlyList<string> AlarmTypes { get; init; } = [];

    /// <summary>OK, ALARM or INSUFFICIENT_DATA.</summary>
    public string? StateValue { get; init; }

    /// <summary>Page size.</summary>
    public int? MaxRecords { get; init; }

    /// <summary>Page token.</summary>
    public string? NextToken { get; init; }

    internal override string Operation => "DescribeAlarms";

    internal override void Write(IShapeWriter w)
    {
        Shapes.WriteNonEmpty(w, "AlarmNames", AlarmNames);
        w.String("AlarmNamePrefix", AlarmNamePrefix);
        Shapes.WriteNonEmpty(w, "AlarmTypes", AlarmTypes);
        w.String("StateValue", StateValue);
        w.Integer("MaxRecords", MaxRecords);
        w.String("NextToken", NextToken);
    }
}

/// <summary>A metric alarm as deployed: its definition and its state.</summary>
internal sealed record MetricAlarm(MetricAlarmDefinition Definition, string? AlarmArn, string? StateValue, string? StateReason, DateTimeOffset? StateUpdatedTimestamp);

/// <summary>The answer to DescribeAlarms.</summary>
internal sealed class DescribeAlarmsResponse : AwsResponse
{
    /// <summary>Metric alarms.</summary>
    public IReadOnlyList<MetricAlarm> MetricAlarms { get; private set; } = [];

    /// <summary>Token of the next page, if any.</summary>
    public string? NextToken { get; private set; }

    internal override void Read(ShapeNode result)
    {
        NextToken = result.String("NextToken");
        MetricAlarms = result.List("MetricAlarms")
            .Select(a => new MetricAlarm(MetricAlarmDefinition.Read(a), a.String("AlarmArn"), a.String("StateValue"), a.String("StateReason"), a.Timestamp("StateUpdatedTimestamp")))
            .ToList();
    }
}

/// <summary>DeleteAlarms.</summary>
internal sealed class DeleteAlarmsRequest : AwsRequest<DeleteAlarmsResponse>
{
    /// <summary>Names to delete.</summary>
    public required IReadOnlyList<string> AlarmNames { get; init; }

    internal override string Operation => "DeleteAlarms";

    internal override void Write(IShapeWriter w) => w.StringList("AlarmNames", AlarmNames);
}

/// <summary>The (empty) answer to DeleteAlarms.</summary>
internal sealed class DeleteAlarmsResponse : AwsResponse;

/// <summary>SetAlarmState: forces a state, e.g. ALARM to test the notification path.</summary>
internal sealed class SetAlarmStateRequest : AwsRequest<SetAlarmStateResponse>
{
    /// <summary>Name.</summary>
    public required string AlarmName { get; init; }

    /// <summary>OK, ALARM or INSUFFICIENT_DATA.</summary>
    public required string StateValue { get; init; }

    /// <summary>Reason shown in notifications.</summary>
    public required string StateReason { get; init; }

    /// <summary>Optional JSON reason data.</summary>
    public string? StateReasonData { get; init; }

    internal override string Operation => "SetAlarmState";

    internal override void Write(IShapeWriter w)
    {
        w.String("AlarmName", AlarmName);
        w.String("StateValue", StateValue);
        w.String("StateReason", StateReason);
        w.String("StateReasonData", StateReasonData);
    }
}

/// <summary>The (empty) answer to SetAlarmState.</summary>
internal sealed class SetAlarmStateResponse : AwsResponse;

/// <summary>A time range the anomaly model ignores.</summary>
internal sealed record ExcludedTimeRange(DateTimeOffset StartTime, DateTimeOffset EndTime);

/// <summary>An anomaly detector on one metric and statistic.</summary>
internal sealed record AnomalyDetectorDefinition
{
    /// <summary>Namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Metric name.</summary>
    public required string MetricName { get; init; }

    /// <summary>Dimensions.</summary>
    public IReadOnlyList<MetricDimension> Dimensions { get; init; } = [];

    /// <summary>Statistic, e.g. Average or p95.</summary>
    public required string Stat { get; init; }

    /// <summary>Time ranges excluded from training.</summary>
    public IReadOnlyList<ExcludedTimeRange> ExcludedTimeRanges { get; init; } = [];

    /// <summary>Time zone for daylight-saving aware models.</summary>
    public string? MetricTimezone { get; init; }

    internal void Write(IShapeWriter w)
    {
        w.Structure("SingleMetricAnomalyDetector", m =>
        {
            m.String("Namespace", Namespace);
            m.String("MetricName", MetricName);
            Shapes.WriteDimensions(m, "Dimensions", Dimensions);
            m.String("Stat", Stat);
        });
        if (ExcludedTimeRanges.Count > 0 || MetricTimezone is not null)
        {
            w.Structure("Configuration", c =>
            {
                if (ExcludedTimeRanges.Count > 0)
                {
                    c.List("ExcludedTimeRanges", ExcludedTimeRanges, static (r, range) =>
                    {
                        r.Timestamp("StartTime", range.StartTime);
                        r.Timestamp("EndTime", range.EndTime);
                    });
                }

                c.String("MetricTimezone", MetricTimezone);
            });
        }
    }

    internal static AnomalyDetectorDefinition Read(ShapeNode n)
    {
        var single = n.Child("SingleMetricAnomalyDetector") ?? n;
        var configuration = n.Child("Configuration");
        return new AnomalyDetectorDefinition
        {
            Namespace = single.String("Namespace") ?? n.String("Namespace") ?? string.Empty,
            MetricName = single.String("MetricName") ?? n.String("MetricName") ?? string.Empty,
            Dimensions = Shapes.ReadDimensions(single, "Dimensions") is { Count: > 0 } d ? d : Shapes.ReadDimensions(n, "Dimensions"),
            Stat = single.String("Stat") ?? n.String("Stat") ?? string.Empty,
            ExcludedTimeRanges = configuration?.List("ExcludedTimeRanges").Select(r => new ExcludedTimeRange(r.Timestamp("StartTime") ?? default, r.Timestamp("EndTime") ?? default)).ToList() ?? [],
            MetricTimezone = configuration?.String("MetricTimezone"),
        };
    }
}

/// <summary>PutAnomalyDetector.</summary>
internal sealed class PutAnomalyDetectorRequest(AnomalyDetectorDefinition detector) : AwsRequest<PutAnomalyDetectorResponse>
{
    /// <summary>The detector.</summary>
    public AnomalyDetectorDefinition Detector { get; } = detector ?? throw new ArgumentNullException(nameof(detector));

    internal override string Operation => "PutAnomalyDetector";

    internal override void Write(IShapeWriter w) => Detector.Write(w);
}

/// <summary>The (empty) answer to PutAnomalyDetector.</summary>
internal sealed class PutAnomalyDetectorResponse : AwsResponse;

/// <summary>DescribeAnomalyDetectors.</summary>
internal sealed class DescribeAnomalyDetectorsRequest : AwsRequest<DescribeAnomalyDetectorsResponse>
{
    /// <summary>Namespace filter.</summary>
    public string? Namespace { get; init; }

    /// <summary>Metric name filter.</summary>
    public string? MetricName { get; init; }

    /// <summary>Page token.</summary>
    public string? NextToken { get; init; }

    /// <summary>Page size.</summary>
    public int? MaxResults { get; init; }

    internal override string Operation => "DescribeAnomalyDetectors";

    internal override void Write(IShapeWriter w)
    {
        w.String("NextToken", NextToken);
        w.Integer("MaxResults", MaxResults);
        w.String("Namespace", Namespace);
        w.String("MetricName", MetricName);
    }
}

/// <summary>The answer to DescribeAnomalyDetectors.</summary>
internal sealed class DescribeAnomalyDetectorsResponse : AwsResponse
{
    /// <summary>Detectors.</summary>
    public IReadOnlyList<AnomalyDetectorDefinition> AnomalyDetectors { get; private set; } = [];

    /// <summary>Token of the next page, if any.</summary>
    public string? NextToken { get; private set; }

    internal override void Read(ShapeNode result)
    {
        NextToken = result.String("NextToken");
        AnomalyDetectors = result.List("AnomalyDetectors").Select(AnomalyDetectorDefinition.Read).ToList();
    }
}
