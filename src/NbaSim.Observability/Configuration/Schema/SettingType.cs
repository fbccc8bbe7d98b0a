namespace NbaSim.Observability.Configuration.Schema;

/// <summary>What a configuration value must parse as, the way the configuration binder parses it.</summary>
internal enum SettingType
{
    /// <summary>Any string.</summary>
    Text,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A 32-bit integer.</summary>
    Integer,

    /// <summary>A 64-bit integer.</summary>
    Long,

    /// <summary>A floating-point number.</summary>
    Number,

    /// <summary>A decimal number.</summary>
    Decimal,

    /// <summary>A time span, <c>[d.]hh:mm:ss[.fffffff]</c>.</summary>
    TimeSpan,

    /// <summary>One of an enum's names.</summary>
    Enum,

    /// <summary>A list of strings: children <c>0</c>, <c>1</c>, … or one comma-separated value.</summary>
    TextList,
}
