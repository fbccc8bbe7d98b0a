using Microsoft.Extensions.Options;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Export.CloudWatch;

/// <summary>Builds the CloudWatch client configuration from <c>NbaObservability:CloudWatch</c>.</summary>
internal static class CloudWatchClientFactory
{
    /// <summary>What to set when no region is found.</summary>
    internal const string NoRegionMessage =
        "NbaObservability:CloudWatch:Region is not set and no AWS region was found: set it (e.g. us-east-1), or the environment variable AWS_REGION or AWS_DEFAULT_REGION, "
        + "or region in the AWS profile (~/.aws/config, AWS_PROFILE). With NbaObservability:CloudWatch:ServiceUrl (moto, LocalStack) none is needed.";

    /// <summary>
    /// The client configuration for <paramref name="options"/>. With a ServiceUrl (moto, LocalStack) the signing region is
    /// <see cref="CloudWatchExporterOptions.Region"/>, else AWS_REGION / AWS_DEFAULT_REGION, else us-east-1; without one the
    /// region is <see cref="CloudWatchExporterOptions.Region"/>, else AWS_REGION / AWS_DEFAULT_REGION (the environment
    /// before the profile, as the AWS CLI and the OTLP exporter), else the SDK's own chain (profile, instance metadata).
    /// </summary>
    /// <exception cref="OptionsValidationException">No region is configured and the SDK's region chain finds none.</exception>
    public static CloudWatchClientConfig CreateConfig(CloudWatchExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new CloudWatchClientConfig
        {
            Timeout = options.RequestTimeout,
            MaxErrorRetry = options.MaxRetries,
            DisableRequestCompression = options.DisableCompression,
            RequestMinCompressionSizeBytes = options.CompressionThresholdBytes,
            Protocol = options.Protocol,
        };
        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = AwsRegionResolution.ConfiguredOrEnvironment(options.Region) ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = AwsRegionResolution.Endpoint(options.Region, NoRegionMessage);
        }

        return config;
    }
}
