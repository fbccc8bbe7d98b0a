using NbaSim.Observability.Configuration.Validators;

namespace NbaSim.Observability;

/// <summary>Settings of the OTLP exporter (CloudWatch's OpenTelemetry metrics endpoint, or any OTLP/HTTP receiver).</summary>
public sealed class OtlpExporterOptions
{
    /// <summary>
    /// The metrics URL, e.g. <c>https://monitoring.us-east-1.amazonaws.com/v1/metrics</c> or a collector's
    /// <c>http://127.0.0.1:4318/v1/metrics</c>. A URL without a path gets <c>/v1/metrics</c>.
    /// </summary>
    /// <value>The default value is CloudWatch's regional endpoint, <c>https://monitoring.{Region}.amazonaws.com/v1/metrics</c>.</value>
    [HttpUrl("Otlp:Endpoint")]
    public string? Endpoint { get; set; }

    /// <summary>AWS region of the endpoint and of the SigV4 signature, e.g. <c>us-east-1</c>.</summary>
    /// <value>The default value is the SDK's region resolution (AWS_REGION, AWS_DEFAULT_REGION, the profile, instance metadata).</value>
    public string? Region { get; set; }

    /// <summary>
    /// A bearer token (a CloudWatch API key) sent in <c>Authorization</c> instead of a SigV4 signature. Prefer
    /// <see cref="BearerTokenEnvironmentVariable"/>, so the secret is not in a configuration file. Never logged.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: requests are signed with SigV4 (service <c>monitoring</c>) and the AWS credentials chain.</value>
    public string? BearerToken { get; set; }

    /// <summary>The environment variable that holds the bearer token, e.g. <c>NBAOBS_OTLP_TOKEN</c>; read at start-up.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? BearerTokenEnvironmentVariable { get; set; }

    /// <summary>The resource attribute <c>service.name</c> (PromQL: <c>@resource.service.name</c>).</summary>
    /// <value>The default value is the entry assembly's name.</value>
    public string? ServiceName { get; set; }

    /// <summary>Timeout of one HTTP attempt. Default 30 s; 1 s to 5 min.</summary>
    /// <value>The default value is 30 s.</value>
    [SettingRange("Otlp:RequestTimeout", "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries per request after the first attempt (standard mode: jittered exponential backoff). Default 3; 0 to 10.</summary>
    /// <value>The default value is 3.</value>
    [SettingRange("Otlp:MaxRetries", 0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Send bodies uncompressed (gzip is the default: the endpoint charges per GB, but of the uncompressed size; gzip saves bandwidth and time).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DisableCompression { get; set; }
}
