namespace NbaSim.Observability.Configuration;

/// <summary>Reads the off switch: <see cref="NbaObservabilityOptions.Enabled"/> and the <c>NBAOBS_DISABLED</c> environment variable.</summary>
internal static class ObservabilitySwitch
{
    /// <summary>What the switch is called in messages.</summary>
    public const string Description = $"{NbaObservabilityOptions.DisabledEnvironmentVariable}=1 or NbaObservability:Enabled=false";

    /// <summary>True when the environment turns the pipeline off (<c>1</c> or <c>true</c>, any case).</summary>
    public static bool DisabledByEnvironment => Read() is true;

    /// <summary>The variable's value when it is set to something other than 1/true/0/false (it then leaves the pipeline on).</summary>
    public static string? UnrecognizedEnvironmentValue
        => Read() is null && Raw() is { Length: > 0 } value ? value : null;

    /// <summary>True when these options, or the environment, turn the pipeline off.</summary>
    public static bool IsDisabled(NbaObservabilityOptions options) => !options.Enabled || DisabledByEnvironment;

    private static string? Raw() => Environment.GetEnvironmentVariable(NbaObservabilityOptions.DisabledEnvironmentVariable)?.Trim();

    /// <summary>true for 1/true, false for 0/false or unset, null for anything else.</summary>
    private static bool? Read() => Raw() switch
    {
        null or "" or "0" => false,
        "1" => true,
        var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        _ => null,
    };
}
