using System.ComponentModel.DataAnnotations;

namespace NbaSim.Observability.Configuration.Validators;

/// <summary>An enum setting holds one of its named values (a number bound from configuration may not).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
internal sealed class DefinedEnumAttribute(string setting, string validValues) : ValidationAttribute
{
    /// <summary>The key under <c>NbaObservability:</c>, e.g. <c>Exporter</c>.</summary>
    public string Setting { get; } = setting;

    /// <summary>The valid values, as the message lists them (<c>Emf or CloudWatch</c>).</summary>
    public string ValidValues { get; } = validValues;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
        => value is Enum e && !Enum.IsDefined(e.GetType(), e)
            ? new ValidationResult($"{SettingMessages.Prefix}{Setting} is '{e}'; use {ValidValues}.")
            : ValidationResult.Success;
}
