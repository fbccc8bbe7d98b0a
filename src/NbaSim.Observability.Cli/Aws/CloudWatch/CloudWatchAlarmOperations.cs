using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Cli.Aws.CloudWatch;

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
