using NbaSim.Observability.Configuration.Validators;

namespace NbaSim.Observability;

/// <summary>Settings of the CloudWatch (PutMetricData) exporter.</summary>
public sealed class CloudWatchExporterOptions
{
    private const string MaxConcurrentRequestsSetting = "CloudWatch:MaxConcurrentRequests";
    private const int MaxConcurrentRequestsLimit = 16;

    /// <summary>The rule on <see cref="MaxConcurrentRequests"/>, for the exporter's constructor that takes the value alone.</summary>
    internal static readonly SettingRangeAttribute MaxConcurrentRequestsRule = new(MaxConcurrentRequestsSetting, 1, MaxConcurrentRequestsLimit);

    /// <summary>Endpoint override, e.g. a LocalStack or moto server (<c>http://127.0.0.1:5000</c>). Default: the regional endpoint.</summary>
    /// <value>The default value is the regional endpoint.</value>
    [HttpUrl("CloudWatch:ServiceUrl")]
    public string? ServiceUrl { get; set; }

    /// <summary>AWS region, e.g. <c>us-east-1</c>. Default: the SDK's region resolution (environment, profile, instance metadata).</summary>
    /// <value>The default value is the SDK's region resolution (environment, profile, instance metadata).</value>
    public string? Region { get; set; }

    /// <summary>PutMetricData requests in flight at most. Default 2; 1 to 16.</summary>
    /// <value>The default value is 2.</value>
    [SettingRange(MaxConcurrentRequestsSetting, 1, MaxConcurrentRequestsLimit)]
    public int MaxConcurrentRequests { get; set; } = 2;

    /// <summary>Timeout of one HTTP attempt. Default 30 s; 1 s to 5 min.</summary>
    /// <value>The default value is 30 s.</value>
    [SettingRange("CloudWatch:RequestTimeout", "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries per request after the first attempt (standard mode: jittered exponential backoff). Default 3; 0 to 10.</summary>
    /// <value>The default value is 3.</value>
    [SettingRange("CloudWatch:MaxRetries", 0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Bodies of this many bytes or more are gzip-compressed. Default 10,240 (as the AWS SDKs); 0 to 10,485,760.</summary>
    /// <value>The default value is 10,240 (as the AWS SDKs).</value>
    [SettingRange("CloudWatch:CompressionThresholdBytes", 0, 10_485_760)]
    public int CompressionThresholdBytes { get; set; } = 10_240;

    /// <summary>Send bodies uncompressed.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DisableCompression { get; set; }

    /// <summary>
    /// The wire protocol: <see cref="CloudWatchProtocol.Json"/> (default; AWS JSON 1.0, as the current AWS SDKs send it)
    /// or <see cref="CloudWatchProtocol.Query"/> (form-encoded awsQuery).
    /// </summary>
    /// <value>The default value is <see cref="CloudWatchProtocol.Json"/>.</value>
    [DefinedEnum("CloudWatch:Protocol", "Json or Query")]
    public CloudWatchProtocol Protocol { get; set; } = CloudWatchProtocol.Json;
}
