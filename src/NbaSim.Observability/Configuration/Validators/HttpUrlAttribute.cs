using System.ComponentModel.DataAnnotations;

namespace NbaSim.Observability.Configuration.Validators;

/// <summary>An optional endpoint setting: empty, or an absolute http or https URL. The message shows the URL without its credentials.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
internal sealed class HttpUrlAttribute(string setting) : ValidationAttribute
{
    /// <summary>The key under <c>NbaObservability:</c>, e.g. <c>CloudWatch:ServiceUrl</c>.</summary>
    public string Setting { get; } = setting;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
        => value is string { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            ? new ValidationResult($"{SettingMessages.Prefix}{Setting} is '{Internal.Redact.Url(url)}'; it must be an absolute http or https URL.")
            : ValidationResult.Success;
}
