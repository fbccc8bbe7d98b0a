using Microsoft.Extensions.Options;
using NbaSim.Observability.Aws.Otlp;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Export.Otlp;

/// <summary>Builds the OTLP client configuration from <c>NbaObservability:Otlp</c>.</summary>
internal static class OtlpClientFactory
{
    internal const string NoRegionMessage =
        "NbaObservability:Otlp:Region is not set and no AWS region was found: set it (e.g. us-east-1), or AWS_REGION / AWS_DEFAULT_REGION, "
        + "or region in the AWS profile; or set NbaObservability:Otlp:Endpoint.";

    /// <exception cref="OptionsValidationException">No endpoint and no region.</exception>
    public static OtlpClientConfig CreateConfig(OtlpExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new OtlpClientConfig
        {
            Timeout = options.RequestTimeout,
            MaxErrorRetry = options.MaxRetries,
            BearerToken = options.BearerToken is { Length: > 0 } token ? token
                : options.BearerTokenEnvironmentVariable is { Length: > 0 } variable && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment ? fromEnvironment
                : null,
        };
        if (options.Endpoint is { Length: > 0 } endpoint)
        {
            var uri = new Uri(endpoint, UriKind.Absolute);
            config.ServiceURL = uri.GetLeftPart(UriPartial.Authority);
            config.MetricsPath = uri.AbsolutePath is { Length: > 1 } path ? path : "/v1/metrics";
            config.AuthenticationRegion = AwsRegionResolution.ConfiguredOrEnvironment(options.Region) ?? RegionOfHost(uri.Host) ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = AwsRegionResolution.Endpoint(options.Region, NoRegionMessage);
        }

        return config;
    }

    /// <summary>The region in <c>monitoring.{region}.amazonaws.com</c>, so a configured AWS endpoint signs for its own region.</summary>
    private static string? RegionOfHost(string host)
    {
        var parts = host.Split('.');
        return parts.Length >= 4 && parts[0] == "monitoring" && parts[^2] == "amazonaws" ? parts[1] : null;
    }
}
