namespace NbaSim.Observability.Configuration;

/// <summary>Reads the off switch: <see cref="NbaObservabilityOptions.Enabled"/> and the <c>NBAOBS_DISABLED</c> environment variable.</summary>
internal static class ObservabilitySwitch
{
    /// <summary>True when the environment turns the pipeline off (<c>1</c> or <c>true</c>, any case).</summary>
    public static bool DisabledByEnvironment
        => Environment.GetEnvironmentVariable(NbaObservabilityOptions.DisabledEnvironmentVariable)?.Trim() is { } value
           && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>The variable's value when it is set to something other than 1/true/0/false (it then leaves the pipeline on).</summary>
    public static string? UnrecognizedEnvironmentValue
        => Environment.GetEnvironmentVariable(NbaObservabilityOptions.DisabledEnvironmentVariable)?.Trim() is { Length: > 0 } value
           && value != "1" && value != "0" && !value.Equals("true", StringComparison.OrdinalIgnoreCase) && !value.Equals("false", StringComparison.OrdinalIgnoreCase)
            ? value
            : null;

    /// <summary>True when these options, or the environment, turn the pipeline off.</summary>
    public static bool IsDisabled(NbaObservabilityOptions options) => !options.Enabled || DisabledByEnvironment;
}
