using Microsoft.Extensions.Options;

namespace NbaSim.Observability;

/// <summary>Validates <see cref="NbaObservabilityOptions"/> at start-up; each message names the setting, its value and the rule.</summary>
public sealed class NbaObservabilityOptionsValidator : IValidateOptions<NbaObservabilityOptions>
{
    private const string Prefix = NbaObservabilityOptions.SectionName + ":";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NbaObservabilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (!Enum.IsDefined(options.Exporter))
        {
            failures.Add($"{Prefix}Exporter is '{options.Exporter}'; use Emf or CloudWatch.");
        }

        Range(failures, "FlushInterval", options.FlushInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        Range(failures, "ShutdownTimeout", options.ShutdownTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(5));

        var period = options.AggregationPeriod;
        if (period < TimeSpan.FromSeconds(60) || period > TimeSpan.FromHours(1) || period.Ticks % TimeSpan.TicksPerSecond != 0 || TimeSpan.FromHours(1).Ticks % period.Ticks != 0)
        {
            failures.Add($"{Prefix}AggregationPeriod is {period}; it must be a whole number of seconds from 60 to 3600 that divides one hour (60, 120, 300, 600, …).");
        }

        Range(failures, "MaxSeriesPerNamespace", options.MaxSeriesPerNamespace, 1, 1_000_000);
        Range(failures, "MaxQueuedDatums", options.MaxQueuedDatums, 1_000, 10_000_000);
        Range(failures, "MaxDatumsPerBatch", options.MaxDatumsPerBatch, 1, MetricLimits.MaxDatumsPerRequest);
        Range(failures, "MaxBatchBytes", options.MaxBatchBytes, 10_000, MetricLimits.MaxRequestBytes);

        if (options.Emf?.AgentEndpoint is { Length: > 0 } agent && !Export.Emf.EmfDestination.TryParseAgentEndpoint(agent, out _, out _, out _))
        {
            failures.Add($"{Prefix}Emf:AgentEndpoint is '{agent}'; use tcp://host:port or udp://host:port (the CloudWatch agent listens on 25888).");
        }

        if (options.CloudWatch?.ServiceUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            failures.Add($"{Prefix}CloudWatch:ServiceUrl is '{url}'; it must be an absolute http or https URL.");
        }

        if (options.CloudWatch?.Region is { Length: > 0 } region && !IsRegionName(region))
        {
            failures.Add($"{Prefix}CloudWatch:Region is '{region}'; expected a region name such as us-east-1.");
        }

        if (options.CloudWatch is { } cw)
        {
            Range(failures, "CloudWatch:MaxConcurrentRequests", cw.MaxConcurrentRequests, 1, 16);
            Range(failures, "CloudWatch:RequestTimeout", cw.RequestTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
            Range(failures, "CloudWatch:MaxRetries", cw.MaxRetries, 0, 10);
            Range(failures, "CloudWatch:CompressionThresholdBytes", cw.CompressionThresholdBytes, 0, 10_485_760);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsRegionName(string region)
        => region.Length <= 32 && region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static void Range(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Prefix}{setting} is {value}; it must be between {min} and {max}.");
        }
    }

    private static void Range(List<string> failures, string setting, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Prefix}{setting} is {value}; it must be between {min:N0} and {max:N0}.");
        }
    }
}
