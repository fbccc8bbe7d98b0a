using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace NbaSim.Observability.Configuration.Validators;

/// <summary>
/// A numeric or <see cref="TimeSpan"/> setting's inclusive range. Unlike <see cref="RangeAttribute"/>, the message names the
/// configuration key and the value it had, as every other validation message of this library does.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
internal sealed class SettingRangeAttribute : ValidationAttribute
{
    private readonly object _minimum;
    private readonly object _maximum;

    /// <summary>An <see cref="int"/> setting from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public SettingRangeAttribute(string setting, int minimum, int maximum)
    {
        Setting = setting;
        _minimum = minimum;
        _maximum = maximum;
    }

    /// <summary>A <see cref="TimeSpan"/> setting; the bounds in the invariant <c>c</c> format (<c>00:01:00</c>).</summary>
    public SettingRangeAttribute(string setting, string minimum, string maximum)
    {
        Setting = setting;
        _minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
        _maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
    }

    /// <summary>The key under <c>NbaObservability:</c>, e.g. <c>CloudWatch:MaxRetries</c>.</summary>
    public string Setting { get; }

    /// <summary>The message when <paramref name="value"/> is out of range, otherwise null (for callers outside options validation).</summary>
    public string? Check(object? value) => Validate(value)?.ErrorMessage;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) => Validate(value);

    private ValidationResult? Validate(object? value) => value switch
    {
        int i when i < (int)_minimum || i > (int)_maximum
            => new ValidationResult($"{SettingMessages.Prefix}{Setting} is {i}; it must be between {(int)_minimum:N0} and {(int)_maximum:N0}."),
        TimeSpan t when t < (TimeSpan)_minimum || t > (TimeSpan)_maximum
            => new ValidationResult($"{SettingMessages.Prefix}{Setting} is {t}; it must be between {_minimum} and {_maximum}."),
        _ => ValidationResult.Success,
    };
}
