using Microsoft.Extensions.Options;
using NbaSim.Observability.Configuration.Validators;

namespace NbaSim.Observability;

/// <summary>
/// Validates <see cref="NbaObservabilityOptions"/> at start-up; each message names the setting, its value and the rule.
/// The single-setting ranges, URLs and enum values are attributes on the options, checked by source-generated code; this
/// class adds the rules an attribute cannot say (a period that divides an hour and fits every alarm, lists, mappings).
/// </summary>
public sealed class NbaObservabilityOptionsValidator : IValidateOptions<NbaObservabilityOptions>
{
    private const string Prefix = SettingMessages.Prefix;
    private static readonly NbaObservabilityOptionsAttributeValidator Attributes = new();

    /// <summary>Throws what <c>ValidateOnStart</c> would throw, for the public constructors that take options directly.</summary>
    internal static void ThrowIfInvalid(NbaObservabilityOptions options)
    {
        var result = new NbaObservabilityOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(NbaObservabilityOptions), result.Failures);
        }
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NbaObservabilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (Attributes.Validate(name, options) is { Failed: true, Failures: { } attributeFailures })
        {
            failures.AddRange(attributeFailures);
        }

        var period = options.AggregationPeriod;
        if (period < TimeSpan.FromSeconds(60) || period > TimeSpan.FromHours(1) || period.Ticks % TimeSpan.TicksPerSecond != 0 || TimeSpan.FromHours(1).Ticks % period.Ticks != 0)
        {
            failures.Add($"{Prefix}AggregationPeriod is {period}; it must be a whole number of seconds from 60 to 3600 that divides one hour (60, 120, 300, 600, …).");
        }

        else
        {
            CheckAlarmPeriods(failures, options);
        }

        if (CheckAgentEndpoint(options.Emf?.AgentEndpoint) is { } agentProblem)
        {
            failures.Add(agentProblem);
        }

        if (options.CloudWatch?.Region is { Length: > 0 } region && !IsRegionName(region))
        {
            failures.Add($"{Prefix}CloudWatch:Region is '{region}'; expected a region name such as us-east-1.");
        }

        if (options.SecondaryExporter is { } secondary && (secondary != MetricExporterKind.Otlp || options.Exporter == MetricExporterKind.Otlp))
        {
            failures.Add($"{Prefix}SecondaryExporter is {secondary} with Exporter {options.Exporter}; dual-write sends to Otlp beside Exporter CloudWatch or Emf, so set SecondaryExporter to Otlp and Exporter to CloudWatch or Emf, or remove SecondaryExporter.");
        }

        if (options.Otlp?.Region is { Length: > 0 } otlpRegion && !IsRegionName(otlpRegion))
        {
            failures.Add($"{Prefix}Otlp:Region is '{otlpRegion}'; expected a region name such as us-east-1.");
        }

        if ((options.Exporter == MetricExporterKind.Otlp || options.SecondaryExporter == MetricExporterKind.Otlp) && options.Otlp?.BearerTokenEnvironmentVariable is { Length: > 0 } tokenVariable
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(tokenVariable)))
        {
            // Named, never shown: the variable's value is a secret.
            failures.Add($"{Prefix}Otlp:BearerTokenEnvironmentVariable names {tokenVariable}, which is not set or empty; set it, or remove the setting to sign with SigV4.");
        }

        if (options.Spool is { } spool && (spool.MaxBytes < 1024 * 1024 || spool.MaxBytes > 100L * 1024 * 1024 * 1024))
        {
            failures.Add($"{Prefix}Spool:MaxBytes is {spool.MaxBytes:N0}; it must be between 1 MB and 100 GB.");
        }

        if (options.Spool?.Directory is { Length: > 0 } spoolDirectory && File.Exists(spoolDirectory))
        {
            failures.Add($"{Prefix}Spool:Directory is {spoolDirectory}, which is a file; it must be a directory (created when missing).");
        }

        ValidatePublishers(failures, options);
        ValidateMeters(failures, options.Meters);
        if (failures.Count > 0)
        {
            // A key the binder ignored is often why a setting is missing or wrong: say so beside the failure.
            failures.AddRange(options.UnknownSettings);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// An operation entry must parse, and name a series the woven method could publish (the weaver's rules: CloudWatch's
    /// names, no <c>Status</c> of its own, each dimension once), and two entries must not share an alarm name. With the
    /// OTLP exporter (main or secondary) no dimension may be named as a reserved label: the exporter refuses such points,
    /// so the OTel path's dashboards and alarms over them would stay empty.
    /// </summary>
    private static string? CheckOperation(string text, Dictionary<string, string> alarmKeys, bool otelPath)
    {
        NbaSim.Observability.MonitoringAsCode.ProfiledOperation operation;
        try
        {
            operation = NbaSim.Observability.MonitoringAsCode.ProfiledOperation.Parse(text);
            MetricValidator.ValidateNamespace(operation.Namespace);
            MetricValidator.ValidateMetricName(operation.MetricName);
            if (operation.Dimensions.Any(d => d.Name == "Status"))
            {
                return $"{Prefix}Monitoring:ProfiledOperations has '{text}'; Status is the profiler's own dimension (success, failure, cancelled): remove it.";
            }

            MetricValidator.ValidateDimensions([new MetricDimension("Status", "success"), .. operation.Dimensions]);
            if (otelPath && operation.Dimensions.Select(d => Export.Otlp.OtlpLimits.ReservedLabel(d.Name)).FirstOrDefault(r => r is not null) is { } reserved)
            {
                return $"{Prefix}Monitoring:ProfiledOperations has '{text}': {reserved} (the OTLP exporter never sends such a point, so its OTel-path alarm and dashboard would stay empty).";
            }
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
        catch (MetricValidationException ex)
        {
            return $"{Prefix}Monitoring:ProfiledOperations has '{text}': {ex.Message}";
        }

        var key = operation.Key.ToUpperInvariant();
        if (alarmKeys.TryGetValue(key, out var other) && other != operation.ToString())
        {
            return $"{Prefix}Monitoring:ProfiledOperations has '{other}' and '{text}', which would share the alarm name {operation.Key}-DurationRegression; rename one.";
        }

        alarmKeys[key] = operation.ToString();
        return null;
    }

    /// <summary>
    /// An alarm whose period is shorter than the aggregation period sees data in only some of its periods (a 300-second
    /// alarm over 3,600-second data is empty 11 times out of 12): the shipped alarms must all fit.
    /// </summary>
    private static void CheckAlarmPeriods(List<string> failures, NbaObservabilityOptions options)
    {
        var monitoring = options.Monitoring ?? new MonitoringOptions();
        var operations = new List<string>();
        var alarmKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        var otelPath = options.Exporter == MetricExporterKind.Otlp || options.SecondaryExporter == MetricExporterKind.Otlp;
        foreach (var operation in monitoring.ProfiledOperations ?? [])
        {
            if (CheckOperation(operation ?? string.Empty, alarmKeys, otelPath) is { } problem)
            {
                failures.Add(problem);
            }
            else
            {
                operations.Add(operation!);
            }
        }

        var context = new MonitoringContext(monitoring.Region, "000000000000", monitoring.AlertTopicName,
            options.Cost?.MonthlyBudgetUsd ?? 1, operations, monitoring.Bucket);
        var seconds = (int)options.AggregationPeriod.TotalSeconds;
        foreach (var alarm in NbaMonitoring.Alarms(context))
        {
            var period = alarm.Period ?? alarm.Metrics.Select(m => m.MetricStat?.Period).FirstOrDefault(p => p is not null);
            if (period is { } p && p < seconds)
            {
                failures.Add($"{Prefix}AggregationPeriod is {seconds} s, longer than the {p}-second period of alarm '{alarm.AlarmName}' ({alarm.Namespace ?? alarm.Metrics.FirstOrDefault(m => m.MetricStat is not null)?.MetricStat?.Metric.Namespace}); that alarm would find no data in most of its periods. Use an AggregationPeriod of at most {p} s.");
                return;
            }
        }
    }

    /// <summary>The rule for <c>CloudWatch:MaxConcurrentRequests</c> (the attribute on the option), shared with the exporter's constructor.</summary>
    internal static string? CheckMaxConcurrentRequests(int value) => CloudWatchExporterOptions.MaxConcurrentRequestsRule.Check(value);

    /// <summary>The rule for <c>Emf:AgentEndpoint</c>, shared with the EMF exporter's constructor.</summary>
    internal static string? CheckAgentEndpoint(string? agent)
        => agent is { Length: > 0 } && !Export.Emf.EmfDestination.TryParseAgentEndpoint(agent, out _, out _, out _)
            ? $"{Prefix}Emf:AgentEndpoint is '{Internal.Redact.Url(agent)}'; use tcp://host:port or udp://host:port (the CloudWatch agent listens on 25888)."
            : null;

    private static void ValidatePublishers(List<string> failures, NbaObservabilityOptions options)
    {
        if (options.S3Inventory is { } s3)
        {
            if (s3.Buckets is null || s3.Buckets.Count == 0 || s3.Buckets.Any(b => string.IsNullOrWhiteSpace(b) || b.Length > 63))
            {
                failures.Add($"{Prefix}S3Inventory:Buckets is [{string.Join(", ", s3.Buckets ?? [])}]; list 1 or more bucket names of 1 to 63 characters.");
            }

        }

        if (options.Cost is { } cost)
        {
            if (cost.MonthlyBudgetUsd is < 0.01m or > 10_000_000m)
            {
                failures.Add($"{Prefix}Cost:MonthlyBudgetUsd is {cost.MonthlyBudgetUsd}; it must be between 0.01 and 10,000,000.");
            }
        }

        if (options.Dims is { } dims)
        {
            if (dims.DriftTolerance is < 0 or > 10 || double.IsNaN(dims.DriftTolerance))
            {
                failures.Add($"{Prefix}Dims:DriftTolerance is {dims.DriftTolerance}; it must be between 0 and 10 (a fraction: 0.01 is 1 %).");
            }

            foreach (var mapping in dims.Mappings ?? [])
            {
                if (mapping.Key.Split('.').Length != 2)
                {
                    failures.Add($"{Prefix}Dims:Mappings key is '{mapping.Key}'; it must be category.metric, e.g. s3_storage.total_objects.");
                }

                try
                {
                    MetricValidator.ValidateMetricName(mapping.MetricName);
                    MetricValidator.ValidateDimensions(mapping.Dimensions.Select(d => new MetricDimension(d.Key, d.Value)).ToList());
                }
                catch (MetricValidationException ex)
                {
                    failures.Add($"{Prefix}Dims:Mappings '{mapping.Key}': {ex.Message}");
                }
            }
        }

        if (options.Schedule is { } schedule)
        {
            if (schedule.Jitter is < 0 or > 0.5 || double.IsNaN(schedule.Jitter))
            {
                failures.Add($"{Prefix}Schedule:Jitter is {schedule.Jitter}; it must be between 0 and 0.5.");
            }

            foreach (var (name, s) in new[] { ("S3Inventory", schedule.S3Inventory), ("Cost", schedule.Cost), ("Dims", schedule.Dims) })
            {
                if (s is null)
                {
                    failures.Add($"{Prefix}Schedule:{name} is null; leave it out to keep its default schedule.");
                    continue;
                }

                Range(failures, $"Schedule:{name}:Interval", s.Interval, TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
            }
        }
    }

    private static bool IsRegionName(string region)
        => region.Length <= 32 && region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static void ValidateMeters(List<string> failures, List<MeterBridgeOptions>? meters)
    {
        for (var i = 0; i < (meters?.Count ?? 0); i++)
        {
            var meter = meters![i];
            var at = $"{Prefix}Meters:{i}";
            if (string.IsNullOrWhiteSpace(meter.Name) || meter.Name.IndexOf('*', StringComparison.Ordinal) is var star and >= 0 && star != meter.Name.Length - 1)
            {
                failures.Add($"{at}:Name is '{meter.Name}'; expected a meter name, or a prefix ending in '*'.");
            }

            try
            {
                MetricValidator.ValidateNamespace(meter.Namespace);
            }
            catch (MetricValidationException ex)
            {
                failures.Add($"{at}:Namespace: {ex.Message}");
            }

            if (meter.Dimensions is { Count: > MetricLimits.MaxDimensions })
            {
                failures.Add($"{at}:Dimensions has {meter.Dimensions.Count} tag keys; CloudWatch allows {MetricLimits.MaxDimensions} dimensions.");
            }

            if ((meter.Dimensions ?? []).Concat(meter.Instruments ?? []).Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"{at}: Instruments and Dimensions may not contain empty names.");
            }
        }
    }

    private static void Range(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Prefix}{setting} is {value}; it must be between {min} and {max}.");
        }
    }
}
