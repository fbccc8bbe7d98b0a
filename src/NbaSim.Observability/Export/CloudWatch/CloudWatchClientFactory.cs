using Amazon;
using NbaSim.Observability.Aws.CloudWatch;

namespace NbaSim.Observability.Export.CloudWatch;

/// <summary>Builds the CloudWatch client configuration from <c>NbaObservability:CloudWatch</c>.</summary>
internal static class CloudWatchClientFactory
{
    /// <summary>
    /// The client configuration for <paramref name="options"/>. With a ServiceUrl (moto, LocalStack) the signing region is
    /// <see cref="CloudWatchExporterOptions.Region"/>, else AWS_REGION / AWS_DEFAULT_REGION, else us-east-1; without one the
    /// region is <see cref="CloudWatchExporterOptions.Region"/> or the SDK's own resolution.
    /// </summary>
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
            config.AuthenticationRegion = options.Region
                ?? Environment.GetEnvironmentVariable("AWS_REGION")
                ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")
                ?? "us-east-1";
        }
        else if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return config;
    }
}
