using System.Globalization;

namespace NbaSim.Observability;

/// <summary>
/// Enforces CloudWatch's rules where a series or datum is created, so a bad name fails in the caller's code
/// with a precise message instead of as a 400 from CloudWatch minutes later.
/// </summary>
public static class MetricValidator
{
    private const int ShownValueLength = 64;

    /// <summary>Validates a namespace: 1–255 characters of <c>0-9A-Za-z . - _ / # : space</c>, not starting with ':' or 'AWS/'.</summary>
    public static void ValidateNamespace(string? ns)
    {
        const string field = "Namespace";
        RequireLength(field, ns, MetricLimits.MaxNamespaceLength);
        foreach (var c in ns!)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or '#' or ':' or ' '))
            {
                throw Fail(field, ns, $"contains '{Describe(c)}'; CloudWatch allows only 0-9 A-Z a-z . - _ / # : and space");
            }
        }

        if (ns[0] == ':')
        {
            throw Fail(field, ns, "starts with ':'; CloudWatch does not allow that");
        }

        if (ns.StartsWith("AWS/", StringComparison.Ordinal))
        {
            throw Fail(field, ns, "starts with 'AWS/', which CloudWatch reserves for AWS services");
        }

        RequireNonBlank(field, ns);
    }

    /// <summary>Validates a metric name: 1–255 printable characters, not blank, not <c>_aws</c> (EMF's metadata member).</summary>
    public static void ValidateMetricName(string? name)
    {
        const string field = "MetricName";
        RequireLength(field, name, MetricLimits.MaxMetricNameLength);
        RequireNoControl(field, name!);
        RequireNonBlank(field, name!);
        RequireNotReserved(field, name!);
    }

    /// <summary>
    /// Validates a set of dimensions: at most 30, names 1–255 ASCII (not <c>_aws</c>), values 1–1024, no control
    /// characters, no duplicate names.
    /// </summary>
    public static void ValidateDimensions(IReadOnlyList<MetricDimension>? dimensions)
        => ValidateDimensions(dimensions, MetricLimits.MaxDimensionNameLength);

    /// <summary>
    /// Validates that no dimension has the metric's own name. EMF writes both as members of one JSON object, so the
    /// document would hold the key twice (once a string, once a number) and CloudWatch would extract nothing.
    /// </summary>
    /// <param name="metricName">The metric name.</param>
    /// <param name="dimensions">The metric's dimensions.</param>
    public static void ValidateDistinctNames(string metricName, IReadOnlyList<MetricDimension>? dimensions)
    {
        if (dimensions is null)
        {
            return;
        }

        for (var i = 0; i < dimensions.Count; i++)
        {
            if (string.Equals(dimensions[i].Name, metricName, StringComparison.Ordinal))
            {
                throw new MetricValidationException(
                    $"Dimension #{i + 1} name",
                    $"Dimension #{i + 1} name '{Truncate(Sanitize(metricName))}' is also the name of the metric; EMF does not allow that (it writes dimensions and metrics as members of one JSON object, so one would overwrite the other): rename the dimension or the metric.");
            }
        }
    }

    /// <summary>
    /// Validates what an Embedded Metric Format document needs beyond PutMetricData's rules: dimension names of at most
    /// 250 characters (the EMF schema's limit; PutMetricData allows 255).
    /// </summary>
    /// <param name="dimensions">The dimensions.</param>
    public static void ValidateForEmf(IReadOnlyList<MetricDimension>? dimensions)
    {
        if (dimensions is null)
        {
            return;
        }

        for (var i = 0; i < dimensions.Count; i++)
        {
            if (dimensions[i].Name is { Length: > MetricLimits.MaxEmfDimensionNameLength } name)
            {
                throw EmfNameTooLong(i, name);
            }
        }
    }

    internal static void ValidateDimensions(IReadOnlyList<MetricDimension>? dimensions, int maxNameLength)
    {
        if (dimensions is null || dimensions.Count == 0)
        {
            return;
        }

        if (dimensions.Count > MetricLimits.MaxDimensions)
        {
            throw new MetricValidationException(
                "Dimensions",
                $"Dimensions has {dimensions.Count} entries; CloudWatch allows {MetricLimits.MaxDimensions}.");
        }

        for (var i = 0; i < dimensions.Count; i++)
        {
            var d = dimensions[i];
            var nameField = $"Dimension #{i + 1} name";
            if (maxNameLength < MetricLimits.MaxDimensionNameLength && d.Name is { Length: > MetricLimits.MaxEmfDimensionNameLength } && d.Name.Length <= MetricLimits.MaxDimensionNameLength)
            {
                throw EmfNameTooLong(i, d.Name);
            }

            RequireLength(nameField, d.Name, MetricLimits.MaxDimensionNameLength);
            foreach (var c in d.Name)
            {
                if (c > 0x7E || c < 0x20)
                {
                    throw Fail(nameField, d.Name, $"contains '{Describe(c)}'; CloudWatch allows only printable ASCII in dimension names");
                }
            }

            if (d.Name[0] == ':')
            {
                throw Fail(nameField, d.Name, "starts with ':'; CloudWatch does not allow that");
            }

            RequireNonBlank(nameField, d.Name);
            RequireNotReserved(nameField, d.Name);

            var valueField = $"Dimension '{Truncate(d.Name)}' value";
            RequireLength(valueField, d.Value, MetricLimits.MaxDimensionValueLength);
            RequireNoControl(valueField, d.Value);
            RequireNonBlank(valueField, d.Value);

            for (var j = 0; j < i; j++)
            {
                if (string.Equals(dimensions[j].Name, d.Name, StringComparison.Ordinal))
                {
                    throw new MetricValidationException(
                        "Dimensions",
                        $"Dimensions contain '{Truncate(d.Name)}' twice; CloudWatch allows each dimension name once per metric.");
                }
            }
        }
    }

    /// <summary>Validates that <paramref name="unit"/> is a CloudWatch StandardUnit.</summary>
    public static void ValidateUnit(MetricUnit unit)
    {
        if (!Enum.IsDefined(unit))
        {
            throw new MetricValidationException("Unit", $"Unit is {(int)unit}; CloudWatch allows only its StandardUnit values (Seconds, Count, Percent, …).");
        }
    }

    /// <summary>Validates a storage resolution: 1 (high resolution) or 60 (standard).</summary>
    public static void ValidateStorageResolution(int storageResolution)
    {
        if (storageResolution is not (1 or 60))
        {
            throw new MetricValidationException(
                "StorageResolution",
                $"StorageResolution is {storageResolution}; CloudWatch allows 1 or 60.");
        }
    }

    /// <summary>Validates a value: finite and within ±2^360.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">The field name to report, e.g. <c>Value</c> or <c>Values[3]</c>.</param>
    public static void ValidateValue(double value, string field = "Value")
    {
        if (!IsValidValue(value))
        {
            var shown = value.ToString("R", CultureInfo.InvariantCulture);
            throw new MetricValidationException(
                field,
                double.IsFinite(value)
                    ? $"{field} is {shown}; CloudWatch allows magnitudes up to 2^360."
                    : $"{field} is {shown}; CloudWatch allows only finite numbers (no NaN or ±Infinity).");
        }
    }

    /// <summary>True when CloudWatch would accept <paramref name="value"/>: finite and |value| ≤ 2^360.</summary>
    /// <remarks>One comparison (the recording path runs it per sample): ±∞ is above the bound, and NaN compares false.</remarks>
    public static bool IsValidValue(double value) => Math.Abs(value) <= MetricLimits.MaxMagnitude;

    /// <summary>Validates a timestamp against CloudWatch's window: at most 14 days old and 2 hours ahead of <paramref name="now"/>.</summary>
    public static void ValidateTimestamp(DateTimeOffset timestamp, DateTimeOffset now)
    {
        if (timestamp < now - MetricLimits.MaxAge)
        {
            throw new MetricValidationException(
                "Timestamp",
                $"Timestamp is {timestamp.UtcDateTime:O}, {(now - timestamp).TotalDays:F1} days old; CloudWatch allows at most 14 days.");
        }

        if (timestamp > now + MetricLimits.MaxFuture)
        {
            throw new MetricValidationException(
                "Timestamp",
                $"Timestamp is {timestamp.UtcDateTime:O}, {(timestamp - now).TotalHours:F1} hours ahead; CloudWatch allows at most 2 hours.");
        }
    }

    /// <summary>True when a timestamp lies in CloudWatch's accepted window around <paramref name="now"/>.</summary>
    public static bool IsTimestampAccepted(DateTimeOffset timestamp, DateTimeOffset now)
        => timestamp >= now - MetricLimits.MaxAge && timestamp <= now + MetricLimits.MaxFuture;

    internal static string Truncate(string? value)
        => value is null ? "<null>" : value.Length <= ShownValueLength ? value : string.Concat(value.AsSpan(0, ShownValueLength), "…");

    private static void RequireLength(string field, string? value, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new MetricValidationException(field, $"{field} is {(value is null ? "null" : "empty")}; CloudWatch requires 1 to {max} characters.");
        }

        if (value.Length > max)
        {
            throw Fail(field, value, $"is {value.Length} characters; CloudWatch allows {max}");
        }
    }

    private static void RequireNoControl(string field, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                throw Fail(field, value, $"contains the control character '{Describe(c)}'; CloudWatch does not allow control characters");
            }

            // A lone surrogate is no character: UTF-8 writers replace it with U+FFFD, so two names would become one.
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw Fail(field, value, $"contains the unpaired surrogate '\\u{(int)c:X4}'; CloudWatch requires valid Unicode text");
            }
        }
    }

    private static void RequireNotReserved(string field, string value)
    {
        if (string.Equals(value, MetricLimits.ReservedEmfName, StringComparison.Ordinal))
        {
            throw Fail(field, value, "is the member EMF reserves for its metadata; a metric or dimension of that name would replace it and CloudWatch would extract nothing");
        }
    }

    private static MetricValidationException EmfNameTooLong(int index, string name)
        => Fail($"Dimension #{index + 1} name", name, $"is {name.Length} characters; the EMF specification allows {MetricLimits.MaxEmfDimensionNameLength} (PutMetricData's limit of {MetricLimits.MaxDimensionNameLength} applies only to the CloudWatch exporter)");

    private static void RequireNonBlank(string field, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Fail(field, value, "is only whitespace; CloudWatch requires at least one non-whitespace character");
        }
    }

    private static MetricValidationException Fail(string field, string value, string problem)
        => new(field, $"{field} '{Truncate(Sanitize(value))}' {problem}.");

    private static string Sanitize(string value)
    {
        // Control characters in an error message would corrupt log lines.
        var span = value.AsSpan(0, Math.Min(value.Length, ShownValueLength + 1));
        return span.ContainsAnyInRange('\0', '\u001F') || span.Contains('\u007F')
            ? string.Create(span.Length, value, static (dst, v) =>
            {
                for (var i = 0; i < dst.Length; i++)
                {
                    dst[i] = char.IsControl(v[i]) ? '?' : v[i];
                }
            }) + (value.Length > span.Length ? value[span.Length..] : string.Empty)
            : value;
    }

    private static string Describe(char c)
        => char.IsControl(c) || char.IsWhiteSpace(c) && c != ' ' ? $"\\u{(int)c:X4}" : c.ToString();
}
