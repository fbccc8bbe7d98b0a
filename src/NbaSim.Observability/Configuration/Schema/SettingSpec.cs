namespace NbaSim.Observability.Configuration.Schema;

/// <summary>
/// One setting under <c>NbaObservability</c>: its key (<c>*</c> stands for a list index or a dictionary key), the type
/// its value must parse as, and, for an enum, the names it accepts.
/// </summary>
internal sealed record SettingSpec(string Key, SettingType Type, IReadOnlyList<string>? Names = null)
{
    /// <summary>The key's segments.</summary>
    public string[] Segments { get; } = Key.Split(':');
}
