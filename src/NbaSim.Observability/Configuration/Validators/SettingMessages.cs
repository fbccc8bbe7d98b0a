namespace NbaSim.Observability.Configuration.Validators;

/// <summary>What every validation message starts with: the section, so the key reads as it is written in configuration.</summary>
internal static class SettingMessages
{
    /// <summary><c>NbaObservability:</c>.</summary>
    public const string Prefix = NbaObservabilityOptions.SectionName + ":";
}
