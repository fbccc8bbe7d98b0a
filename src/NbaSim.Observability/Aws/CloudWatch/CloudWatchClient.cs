using Amazon.Runtime;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Aws.CloudWatch;

/// <summary>The CloudWatch operations this product uses (monitoring, API 2010-08-01).</summary>
internal interface ICloudWatchClient : IAwsClient;

/// <summary>The CloudWatch operations by name, each a typed <see cref="IAwsClient.SendAsync{TResponse}"/>.</summary>
internal static class CloudWatchOperations
{
    /// <summary>PutMetricData.</summary>
    public static Task<PutMetricDataResponse> PutMetricDataAsync(this ICloudWatchClient client, PutMetricDataRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>GetMetricStatistics.</summary>
    public static Task<GetMetricStatisticsResponse> GetMetricStatisticsAsync(this ICloudWatchClient client, GetMetricStatisticsRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>GetMetricData.</summary>
    public static Task<GetMetricDataResponse> GetMetricDataAsync(this ICloudWatchClient client, GetMetricDataRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>ListMetrics.</summary>
    public static Task<ListMetricsResponse> ListMetricsAsync(this ICloudWatchClient client, ListMetricsRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>PutDashboard.</summary>
    public static Task<PutDashboardResponse> PutDashboardAsync(this ICloudWatchClient client, PutDashboardRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>GetDashboard.</summary>
    public static Task<GetDashboardResponse> GetDashboardAsync(this ICloudWatchClient client, GetDashboardRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>ListDashboards.</summary>
    public static Task<ListDashboardsResponse> ListDashboardsAsync(this ICloudWatchClient client, ListDashboardsRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>DeleteDashboards.</summary>
    public static Task<DeleteDashboardsResponse> DeleteDashboardsAsync(this ICloudWatchClient client, DeleteDashboardsRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>PutMetricAlarm.</summary>
    public static Task<PutMetricAlarmResponse> PutMetricAlarmAsync(this ICloudWatchClient client, PutMetricAlarmRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>DescribeAlarms.</summary>
    public static Task<DescribeAlarmsResponse> DescribeAlarmsAsync(this ICloudWatchClient client, DescribeAlarmsRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>DeleteAlarms.</summary>
    public static Task<DeleteAlarmsResponse> DeleteAlarmsAsync(this ICloudWatchClient client, DeleteAlarmsRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>SetAlarmState.</summary>
    public static Task<SetAlarmStateResponse> SetAlarmStateAsync(this ICloudWatchClient client, SetAlarmStateRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>PutAnomalyDetector.</summary>
    public static Task<PutAnomalyDetectorResponse> PutAnomalyDetectorAsync(this ICloudWatchClient client, PutAnomalyDetectorRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>DescribeAnomalyDetectors.</summary>
    public static Task<DescribeAnomalyDetectorsResponse> DescribeAnomalyDetectorsAsync(this ICloudWatchClient client, DescribeAnomalyDetectorsRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);
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
}
