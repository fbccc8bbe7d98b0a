using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace NbaSim.Observability.Configuration.Schema;

/// <summary>
/// Reads the <c>NbaObservability</c> section as written, before the binder does: a value the binder could not convert
/// is an error that names the key, the value and the form expected (instead of the binder's exception and its stack);
/// a key that is no setting (a typo the binder would ignore without a word) is a warning naming the closest setting.
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>Values that cannot be converted, one message each.</summary>
    public static IReadOnlyList<string> ConversionErrors(IConfiguration section) => Check(section).Errors;

    /// <summary>Keys that are not settings, one message each.</summary>
    public static IReadOnlyList<string> UnknownKeys(IConfiguration section) => Check(section).UnknownKeys;

    /// <summary>Both, from one reading of the section.</summary>
    public static (IReadOnlyList<string> Errors, IReadOnlyList<string> UnknownKeys) Check(IConfiguration section)
    {
        var findings = Walk(section).ToList();
        return ([.. findings.Where(f => f.IsError).Select(f => f.Message)], [.. findings.Where(f => !f.IsError).Select(f => f.Message)]);
    }

    private static IEnumerable<(bool IsError, string Message)> Walk(IConfiguration section)
    {
        var prefix = section is IConfigurationSection own ? own.Path + ":" : string.Empty;
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, value) in section.AsEnumerable(makePathsRelative: true).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value is null)
            {
                continue; // a section: its leaves are checked
            }

            var segments = path.Split(':');
            if (Find(segments) is not { } spec)
            {
                // A misspelt section reports once, at its own name, not once per leaf under it.
                var unknown = FirstUnknownPrefix(segments);
                if (reported.Add(unknown))
                {
                    yield return (false, UnknownMessage(prefix, unknown));
                }

                continue;
            }

            if (Convert(spec, value) is { } expected)
            {
                yield return (true, $"{prefix}{path} is '{Shorten(value)}'; {expected}");
            }
        }
    }

    /// <summary>
    /// The setting a key is, or <see langword="null"/>. List items belong to their list, whatever their key
    /// (<c>Buckets:0</c>, and <c>Buckets:first</c>, which the binder appends too).
    /// </summary>
    private static SettingSpec? Find(string[] segments)
    {
        foreach (var spec in ConfigurationSchema.Settings)
        {
            if (Matches(spec.Segments, segments, segments.Length)
                || (spec.Type == SettingType.TextList && segments.Length == spec.Segments.Length + 1 && Matches(spec.Segments, segments, spec.Segments.Length)))
            {
                return spec;
            }
        }

        return null;
    }

    private static bool Matches(string[] pattern, string[] segments, int length)
    {
        if (pattern.Length != length)
        {
            return false;
        }

        for (var i = 0; i < length; i++)
        {
            if (pattern[i] != "*" && !string.Equals(pattern[i], segments[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The shortest prefix of the key that no setting starts with (the misspelt part).</summary>
    private static string FirstUnknownPrefix(string[] segments)
    {
        for (var length = 1; length <= segments.Length; length++)
        {
            var known = ConfigurationSchema.Settings.Any(s => s.Segments.Length >= length && Matches(s.Segments[..length], segments, length)
                || (s.Type == SettingType.TextList && length == s.Segments.Length + 1 && Matches(s.Segments, segments, s.Segments.Length)));
            if (!known)
            {
                return string.Join(':', segments[..length]);
            }
        }

        return string.Join(':', segments);
    }

    private static string UnknownMessage(string prefix, string unknown)
    {
        var segments = unknown.Split(':');
        var parent = segments[..^1];

        // The candidates are the names that may stand where the unknown one stands.
        var candidates = ConfigurationSchema.Settings
            .Where(s => s.Segments.Length >= segments.Length && (parent.Length == 0 || Matches(s.Segments[..parent.Length], parent, parent.Length)))
            .Select(s => s.Segments[segments.Length - 1])
            .Where(n => n != "*")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var where = parent.Length == 0 ? prefix.TrimEnd(':') : prefix + string.Join(':', parent);
        var children = ConfigurationSchema.Settings
            .Where(s => s.Segments.Length > segments.Length && Matches(s.Segments[..segments.Length], segments, segments.Length))
            .Select(s => s.Segments[segments.Length])
            .Where(n => n != "*")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (children.Count > 0)
        {
            // A value where a section is expected, e.g. Meters:0 = "Microsoft.AspNetCore.Hosting".
            return $"{prefix}{unknown} has a value, but it is a section and the value is ignored; set its settings instead: {string.Join(", ", children.Select(c => $"{prefix}{unknown}:{c}"))}.";
        }

        var closest = Closest(segments[^1], candidates);
        if (closest is null && candidates.Count == 0)
        {
            return $"{prefix}{unknown} is not a setting and is ignored.";
        }

        return closest is not null
            ? $"{prefix}{unknown} is not a setting and is ignored; did you mean {where}:{closest}?"
            : $"{prefix}{unknown} is not a setting and is ignored; the settings under {where} are {string.Join(", ", candidates)}.";
    }

    /// <summary>The candidate nearest by edit distance (case ignored), when it is near enough to be the intended one.</summary>
    internal static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Internal.EditDistance.Between(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? best : null;
    }

    /// <summary>What the value should have been, or <see langword="null"/> when the binder converts it.</summary>
    private static string? Convert(SettingSpec spec, string value)
    {
        var text = value.Trim();
        switch (spec.Type)
        {
            case SettingType.Boolean:
                return text.Length == 0 || bool.TryParse(text, out _) ? null : "expected true or false.";
            case SettingType.Integer:
                return text.Length == 0 || IsInteger(text, int.MinValue, int.MaxValue) ? null : $"expected a whole number from {int.MinValue} to {int.MaxValue}, e.g. 100.";
            case SettingType.Long:
                return text.Length == 0 || IsInteger(text, long.MinValue, long.MaxValue) ? null : "expected a whole number, e.g. 268435456.";
            case SettingType.Number:
                return text.Length == 0 || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : "expected a number with a '.' decimal point, e.g. 0.1.";
            case SettingType.Decimal:
                return text.Length == 0 || decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : "expected a number with a '.' decimal point, e.g. 150.00.";
            case SettingType.TimeSpan:
                return text.Length == 0 || System.TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out _) ? null : "expected a time span as [d.]hh:mm:ss[.fff], e.g. 00:01:00 for one minute.";
            case SettingType.Enum:
                var names = spec.Names ?? [];
                if (text.Length == 0 || names.Contains(text, StringComparer.OrdinalIgnoreCase) || long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    return null;
                }

                var closest = Closest(text, names);
                return $"expected one of {string.Join(", ", names)}" + (closest is null ? "." : $" (did you mean {closest}?).");
            default:
                return null;
        }
    }

    private static bool IsInteger(string text, long low, long high)
    {
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            && value >= low && value <= high;
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..77] + "...";
}
