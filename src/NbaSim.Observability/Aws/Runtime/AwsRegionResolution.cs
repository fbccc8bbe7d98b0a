using Amazon;
using Microsoft.Extensions.Options;

namespace NbaSim.Observability.Aws.Runtime;

/// <summary>Where the CloudWatch and OTLP clients find the region they sign for (one rule for both).</summary>
internal static class AwsRegionResolution
{
    /// <summary>
    /// <paramref name="configured"/>, else the environment variable AWS_REGION, else AWS_DEFAULT_REGION; empty values are
    /// skipped (an empty region would sign every request for no region). Null when none is set.
    /// </summary>
    /// <param name="configured">The configured region, if any.</param>
    /// <param name="environment">Reads an environment variable (tests); the process environment when null.</param>
    public static string? ConfiguredOrEnvironment(string? configured, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return configured is { Length: > 0 } ? configured
            : environment("AWS_REGION") is { Length: > 0 } region ? region
            : environment("AWS_DEFAULT_REGION") is { Length: > 0 } fallback ? fallback
            : null;
    }

    /// <summary>
    /// The endpoint of <paramref name="configured"/> or the environment's region, else the SDK's own chain (profile,
    /// instance metadata).
    /// </summary>
    /// <param name="configured">The configured region, if any.</param>
    /// <param name="noRegionMessage">The start-up error when no region is found, naming the setting (the SDK's own
    /// "No RegionEndpoint or ServiceURL configured" names none of the places a region can be set).</param>
    /// <exception cref="OptionsValidationException">No region is configured and the SDK's chain finds none.</exception>
    public static RegionEndpoint Endpoint(string? configured, string noRegionMessage)
        => ConfiguredOrEnvironment(configured) is { } region ? RegionEndpoint.GetBySystemName(region)
            : Amazon.Runtime.FallbackRegionFactory.GetRegionEndpoint()
                ?? throw new OptionsValidationException(Options.DefaultName, typeof(NbaObservabilityOptions), [noRegionMessage]);
}
