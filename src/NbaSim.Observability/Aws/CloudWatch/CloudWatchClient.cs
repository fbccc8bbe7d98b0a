using Amazon.Runtime;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Aws.CloudWatch;

/// <summary>The CloudWatch operations this product uses (monitoring, API 2010-08-01).</summary>
internal interface ICloudWatchClient : IDisposable
{
    /// <summary>PutMetricData.</summary>
    Task<PutMetricDataResponse> PutMetricDataAsync(PutMetricDataRequest request, CancellationToken cancellationToken = default);

    /// <summary>GetMetricStatistics.</summary>
    Task<GetMetricStatisticsResponse> GetMetricStatisticsAsync(GetMetricStatisticsRequest request, CancellationToken cancellationToken = default);

    /// <summary>GetMetricData.</summary>
    Task<GetMetricDataResponse> GetMetricDataAsync(GetMetricDataRequest request, CancellationToken cancellationToken = default);

    /// <summary>ListMetrics.</summary>
    Task<ListMetricsResponse> ListMetricsAsync(ListMetricsRequest request, CancellationToken cancellationToken = default);

    /// <summary>PutDashboard.</summary>
    Task<PutDashboardResponse> PutDashboardAsync(PutDashboardRequest request, CancellationToken cancellationToken = default);

    /// <summary>GetDashboard.</summary>
    Task<GetDashboardResponse> GetDashboardAsync(GetDashboardRequest request, CancellationToken cancellationToken = default);

    /// <summary>ListDashboards.</summary>
    Task<ListDashboardsResponse> ListDashboardsAsync(ListDashboardsRequest request, CancellationToken cancellationToken = default);

    /// <summary>DeleteDashboards.</summary>
    Task<DeleteDashboardsResponse> DeleteDashboardsAsync(DeleteDashboardsRequest request, CancellationToken cancellationToken = default);

    /// <summary>PutMetricAlarm.</summary>
    Task<PutMetricAlarmResponse> PutMetricAlarmAsync(PutMetricAlarmRequest request, CancellationToken cancellationToken = default);

    /// <summary>DescribeAlarms.</summary>
    Task<DescribeAlarmsResponse> DescribeAlarmsAsync(DescribeAlarmsRequest request, CancellationToken cancellationToken = default);

    /// <summary>DeleteAlarms.</summary>
    Task<DeleteAlarmsResponse> DeleteAlarmsAsync(DeleteAlarmsRequest request, CancellationToken cancellationToken = default);

    /// <summary>SetAlarmState.</summary>
    Task<SetAlarmStateResponse> SetAlarmStateAsync(SetAlarmStateRequest request, CancellationToken cancellationToken = default);

    /// <summary>PutAnomalyDetector.</summary>
    Task<PutAnomalyDetectorResponse> PutAnomalyDetectorAsync(PutAnomalyDetectorRequest request, CancellationToken cancellationToken = default);

    /// <summary>DescribeAnomalyDetectors.</summary>
    Task<DescribeAnomalyDetectorsResponse> DescribeAnomalyDetectorsAsync(DescribeAnomalyDetectorsRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Configuration of <see cref="CloudWatchClient"/>: region or ServiceURL, timeouts, retries, compression threshold, protocol.</summary>
internal sealed class CloudWatchClientConfig : AwsServiceConfig
{
    /// <summary>Creates the configuration (signing name <c>monitoring</c>).</summary>
    public CloudWatchClientConfig()
        : base("CloudWatch", "monitoring", "monitoring", CloudWatchClient.ApiVersion)
    {
    }

    /// <summary>The wire protocol of every operation. Default <see cref="CloudWatchProtocol.Json"/>.</summary>
    public CloudWatchProtocol Protocol { get; set; } = CloudWatchProtocol.Json;
}

/// <summary>CloudWatch over AWS JSON 1.0 (or awsQuery) on AWSSDK.Core's runtime.</summary>
internal sealed class CloudWatchClient : AwsServiceClient, ICloudWatchClient
{
    internal const string ApiVersion = "2010-08-01";
    internal const string TargetPrefix = "GraniteServiceVersion20100801";
    internal static readonly AwsQueryProtocol QueryProtocol = new("CloudWatch", ApiVersion);

    /// <summary>Creates a client with the default credential chain.</summary>
    public CloudWatchClient(CloudWatchClientConfig config)
        : this(null, config)
    {
    }

    /// <summary>Creates a client with explicit credentials (null: the default chain).</summary>
    public CloudWatchClient(AWSCredentials? credentials, CloudWatchClientConfig config)
        : base(credentials, config, ProtocolFor(config))
    {
        Protocol = config.Protocol;
    }

    internal CloudWatchProtocol Protocol { get; }

    /// <summary>JSON 1.0 as the current AWS SDKs speak it (awsQueryCompatible errors), or awsQuery.</summary>
    internal static IAwsProtocol ProtocolFor(CloudWatchClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Protocol == CloudWatchProtocol.Query
            ? QueryProtocol
            : new AwsJsonProtocol("CloudWatch", TargetPrefix, "1.0", queryCompatible: true) { Config = config };
    }

    /// <inheritdoc />
    public Task<PutMetricDataResponse> PutMetricDataAsync(PutMetricDataRequest request, CancellationToken cancellationToken = default)
        => CallAsync<PutMetricDataResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<GetMetricStatisticsResponse> GetMetricStatisticsAsync(GetMetricStatisticsRequest request, CancellationToken cancellationToken = default)
        => CallAsync<GetMetricStatisticsResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<GetMetricDataResponse> GetMetricDataAsync(GetMetricDataRequest request, CancellationToken cancellationToken = default)
        => CallAsync<GetMetricDataResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<ListMetricsResponse> ListMetricsAsync(ListMetricsRequest request, CancellationToken cancellationToken = default)
        => CallAsync<ListMetricsResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<PutDashboardResponse> PutDashboardAsync(PutDashboardRequest request, CancellationToken cancellationToken = default)
        => CallAsync<PutDashboardResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<GetDashboardResponse> GetDashboardAsync(GetDashboardRequest request, CancellationToken cancellationToken = default)
        => CallAsync<GetDashboardResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<ListDashboardsResponse> ListDashboardsAsync(ListDashboardsRequest request, CancellationToken cancellationToken = default)
        => CallAsync<ListDashboardsResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<DeleteDashboardsResponse> DeleteDashboardsAsync(DeleteDashboardsRequest request, CancellationToken cancellationToken = default)
        => CallAsync<DeleteDashboardsResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<PutMetricAlarmResponse> PutMetricAlarmAsync(PutMetricAlarmRequest request, CancellationToken cancellationToken = default)
        => CallAsync<PutMetricAlarmResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<DescribeAlarmsResponse> DescribeAlarmsAsync(DescribeAlarmsRequest request, CancellationToken cancellationToken = default)
        => CallAsync<DescribeAlarmsResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<DeleteAlarmsResponse> DeleteAlarmsAsync(DeleteAlarmsRequest request, CancellationToken cancellationToken = default)
        => CallAsync<DeleteAlarmsResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<SetAlarmStateResponse> SetAlarmStateAsync(SetAlarmStateRequest request, CancellationToken cancellationToken = default)
        => CallAsync<SetAlarmStateResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<PutAnomalyDetectorResponse> PutAnomalyDetectorAsync(PutAnomalyDetectorRequest request, CancellationToken cancellationToken = default)
        => CallAsync<PutAnomalyDetectorResponse>(request, cancellationToken);

    /// <inheritdoc />
    public Task<DescribeAnomalyDetectorsResponse> DescribeAnomalyDetectorsAsync(DescribeAnomalyDetectorsRequest request, CancellationToken cancellationToken = default)
        => CallAsync<DescribeAnomalyDetectorsResponse>(request, cancellationToken);
}
