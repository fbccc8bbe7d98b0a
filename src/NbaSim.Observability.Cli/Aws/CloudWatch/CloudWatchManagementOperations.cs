namespace NbaSim.Observability.Cli.Aws.CloudWatch;

/// <summary>The CloudWatch operations only nbaobs sends (reads, dashboards, alarms), each a typed <c>SendAsync</c>.</summary>
internal static class CloudWatchManagementOperations
{
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
