using Amazon.Runtime;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Aws.CloudWatch;

/// <summary>The CloudWatch operations this product uses (monitoring, API 2010-08-01).</summary>
internal interface ICloudWatchClient : IAwsClient;

/// <summary>The CloudWatch operation the library sends (the CLI adds the read, dashboard and alarm operations).</summary>
internal static class CloudWatchOperations
{
    /// <summary>PutMetricData.</summary>
    public static Task<PutMetricDataResponse> PutMetricDataAsync(this ICloudWatchClient client, PutMetricDataRequest request, CancellationToken cancellationToken = default)
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
