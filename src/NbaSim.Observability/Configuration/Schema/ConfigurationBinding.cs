using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace NbaSim.Observability.Configuration.Schema;

/// <summary>
/// Binds the section after checking it: a value the binder cannot convert stops the host with one
/// <see cref="OptionsValidationException"/> line per value (key, value, expected form), not the binder's exception.
/// </summary>
internal static class ConfigurationBinding
{
    public static void Bind(IConfigurationSection section, NbaObservabilityOptions options)
    {
        var (errors, unknownKeys) = ConfigurationCheck.Check(section);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(NbaObservabilityOptions), errors);
        }

        try
        {
            section.Bind(options);
            options.UnknownSettings = unknownKeys;
        }
        catch (InvalidOperationException ex)
        {
            // A form the check let through and the binder refused: still one line, with the binder's own words.
            var reason = ex.InnerException is { } inner ? $"{ex.Message} {inner.Message}" : ex.Message;
            throw new OptionsValidationException(Options.DefaultName, typeof(NbaObservabilityOptions), [reason.ReplaceLineEndings(" ")]);
        }
    }
}
