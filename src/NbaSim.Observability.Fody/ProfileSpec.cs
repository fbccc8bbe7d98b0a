using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;

namespace NbaSim.Observability.Fody;

/// <summary>The arguments of one [ProfilePerformance] attribute, checked against CloudWatch's naming rules at build time.</summary>
internal sealed class ProfileSpec
{
    private const string DefaultNamespace = "NBA-Simulator/Performance";

    public string Operation { get; private set; }

    public string Namespace { get; private set; } = DefaultNamespace;

    public bool HighResolution { get; private set; }

    /// <summary>Rollup = true: the duration is also published without Status.</summary>
    public bool Rollup { get; private set; }

    public List<string> Dimensions { get; } = new List<string>();

    public static ProfileSpec Read(CustomAttribute attribute)
    {
        var spec = new ProfileSpec { Operation = attribute.ConstructorArguments.Count > 0 ? attribute.ConstructorArguments[0].Value as string : null };
        foreach (var property in attribute.Properties)
        {
            switch (property.Name)
            {
                case "Namespace":
                    spec.Namespace = property.Argument.Value as string;
                    break;
                case "HighResolution":
                    spec.HighResolution = property.Argument.Value is bool b && b;
                    break;
                case "Rollup":
                    spec.Rollup = property.Argument.Value is bool r && r;
                    break;
                case "Dimensions":
                    if (property.Argument.Value is CustomAttributeArgument[] values)
                    {
                        spec.Dimensions.AddRange(values.Select(v => v.Value as string));
                    }

                    break;
            }
        }

        return spec;
    }

    /// <summary>Null when valid; otherwise what is wrong, naming the value and the limit.</summary>
    public string Validate()
    {
        if (string.IsNullOrWhiteSpace(Operation))
        {
            return "the operation name is empty; CloudWatch needs a metric name such as \"S3Upload\" (→ S3UploadDuration).";
        }

        var metric = Operation + "Duration";
        if (metric.Length > 255)
        {
            return $"the metric name '{Operation.Substring(0, 32)}…Duration' is {metric.Length} characters; CloudWatch allows 255.";
        }

        if (metric.Any(char.IsControl))
        {
            return $"the operation name '{Escape(Operation)}' contains a control character; CloudWatch does not allow them.";
        }

        if (Namespace != null && Namespace.Length > 0 && string.IsNullOrWhiteSpace(Namespace))
        {
            return "the namespace is only whitespace; CloudWatch requires at least one non-whitespace character.";
        }

        if (string.IsNullOrEmpty(Namespace) || Namespace.Length > 255)
        {
            return $"the namespace is {(Namespace ?? string.Empty).Length} characters; CloudWatch requires 1 to 255.";
        }

        var bad = Namespace.FirstOrDefault(c => !(c < 128 && (char.IsLetterOrDigit(c) || ".-_/#: ".IndexOf(c) >= 0)));
        if (bad != default(char))
        {
            return $"the namespace '{Escape(Namespace)}' contains '{Escape(bad.ToString())}'; CloudWatch allows only 0-9 A-Z a-z . - _ / # : and space.";
        }

        if (Namespace.StartsWith(":", StringComparison.Ordinal) || Namespace.StartsWith("AWS/", StringComparison.Ordinal))
        {
            return $"the namespace '{Namespace}' starts with ':' or 'AWS/', which CloudWatch does not allow.";
        }

        if (Dimensions.Count > 29)
        {
            return $"{Dimensions.Count} extra dimensions plus Status make {Dimensions.Count + 1}; CloudWatch allows 30.";
        }

        var names = new HashSet<string>(StringComparer.Ordinal) { "Status" };
        foreach (var dimension in Dimensions)
        {
            var parts = (dimension ?? string.Empty).Split(new[] { '=' }, 2);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                return $"the dimension '{Escape(dimension)}' is not of the form Name=Value.";
            }

            if (string.IsNullOrWhiteSpace(parts[0]) || string.IsNullOrWhiteSpace(parts[1]))
            {
                return $"the dimension '{Escape(dimension)}' has a name or value that is only whitespace; CloudWatch requires at least one non-whitespace character in both.";
            }

            if (parts[0].Length > 255 || parts[0].Any(c => c < 0x20 || c > 0x7E) || parts[0].StartsWith(":", StringComparison.Ordinal))
            {
                return $"the dimension name '{Escape(parts[0])}' must be 1 to 255 printable ASCII characters, not starting with ':'.";
            }

            if (parts[1].Length > 1024 || parts[1].Any(char.IsControl))
            {
                return $"the value of dimension '{parts[0]}' is {parts[1].Length} characters or has control characters; CloudWatch allows 1024 printable characters.";
            }

            if (!names.Add(parts[0]))
            {
                return $"the dimension '{parts[0]}' appears twice (Status is set by the profiler).";
            }
        }

        return null;
    }

    private static string Escape(string value)
        => value == null ? "<null>" : new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
