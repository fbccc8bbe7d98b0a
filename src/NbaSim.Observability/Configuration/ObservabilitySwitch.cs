namespace NbaSim.Observability.Configuration;

/// <summary>Reads the off switch: <see cref="NbaObservabilityOptions.Enabled"/> and the <c>NBAOBS_DISABLED</c> environment variable.</summary>
internal static class ObservabilitySwitch
{
    /// <summary>True when the environment turns the pipeline off (<c>1</c> or <c>true</c>, any case).</summary>
    public static bool DisabledByEnvironment
        => Environment.GetEnvironmentVariable(NbaObservabilityOptions.DisabledEnvironmentVariable)?.Trim() is { } value
           && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>True when these options, or the environment, turn the pipeline off.</summary>
    public static bool IsDisabled(NbaObservabilityOptions options) => !options.Enabled || DisabledByEnvironment;
}
