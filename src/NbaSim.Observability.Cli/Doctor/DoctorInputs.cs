using NbaSim.Observability.Aws.CostExplorer;

namespace NbaSim.Observability.Cli.Doctor;

/// <summary>The clients and settings one doctor run reads from; every call it makes is read-only but the opt-in write probe.</summary>
internal sealed record DoctorInputs
{
    /// <summary>CloudWatch: ListMetrics, GetMetricData, DescribeAlarms (and PutMetricData for the write probe).</summary>
    public required ICloudWatchClient CloudWatch { get; init; }

    /// <summary>SNS: GetTopicAttributes, ListSubscriptionsByTopic.</summary>
    public required ISnsClient Sns { get; init; }

    /// <summary>Cost Explorer: one GetCostAndUsage ($0.01).</summary>
    public required ICostExplorerClient CostExplorer { get; init; }

    /// <summary>sts:GetCallerIdentity.</summary>
    public required Func<CancellationToken, Task<GetCallerIdentityResponse>> CallerIdentity { get; init; }

    /// <summary>The <c>Date</c> header of an answer from CloudWatch's endpoint, or null when it sent none.</summary>
    public required Func<CancellationToken, Task<DateTimeOffset?>> ServerDate { get; init; }

    /// <summary>The application's options (the same configuration it runs with).</summary>
    public required NbaObservabilityOptions Options { get; init; }

    /// <summary>The dashboards and alarms for an account: the doctor learns the account from STS.</summary>
    public required Func<string, MonitoringDefinitions> Definitions { get; init; }

    /// <summary>"Now".</summary>
    public required TimeProvider Clock { get; init; }

    /// <summary>How far back to look (<c>--since</c>).</summary>
    public required TimeSpan Since { get; init; }

    /// <summary>Whether to PutMetricData one datum to <see cref="AccountDoctor.ProbeNamespace"/>.</summary>
    public bool WriteProbe { get; init; }
}
