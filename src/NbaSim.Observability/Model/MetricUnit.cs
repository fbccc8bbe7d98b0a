namespace NbaSim.Observability;

/// <summary>The units CloudWatch accepts for a metric (its <c>StandardUnit</c> enumeration).</summary>
public enum MetricUnit
{
    /// <summary>No unit (<c>None</c>).</summary>
    None = 0,
    /// <summary><c>Seconds</c>.</summary>
    Seconds,
    /// <summary><c>Microseconds</c>.</summary>
    Microseconds,
    /// <summary><c>Milliseconds</c>.</summary>
    Milliseconds,
    /// <summary><c>Bytes</c>.</summary>
    Bytes,
    /// <summary><c>Kilobytes</c>.</summary>
    Kilobytes,
    /// <summary><c>Megabytes</c>.</summary>
    Megabytes,
    /// <summary><c>Gigabytes</c>.</summary>
    Gigabytes,
    /// <summary><c>Terabytes</c>.</summary>
    Terabytes,
    /// <summary><c>Bits</c>.</summary>
    Bits,
    /// <summary><c>Kilobits</c>.</summary>
    Kilobits,
    /// <summary><c>Megabits</c>.</summary>
    Megabits,
    /// <summary><c>Gigabits</c>.</summary>
    Gigabits,
    /// <summary><c>Terabits</c>.</summary>
    Terabits,
    /// <summary><c>Percent</c>.</summary>
    Percent,
    /// <summary><c>Count</c>.</summary>
    Count,
    /// <summary><c>Bytes/Second</c>.</summary>
    BytesPerSecond,
    /// <summary><c>Kilobytes/Second</c>.</summary>
    KilobytesPerSecond,
    /// <summary><c>Megabytes/Second</c>.</summary>
    MegabytesPerSecond,
    /// <summary><c>Gigabytes/Second</c>.</summary>
    GigabytesPerSecond,
    /// <summary><c>Terabytes/Second</c>.</summary>
    TerabytesPerSecond,
    /// <summary><c>Bits/Second</c>.</summary>
    BitsPerSecond,
    /// <summary><c>Kilobits/Second</c>.</summary>
    KilobitsPerSecond,
    /// <summary><c>Megabits/Second</c>.</summary>
    MegabitsPerSecond,
    /// <summary><c>Gigabits/Second</c>.</summary>
    GigabitsPerSecond,
    /// <summary><c>Terabits/Second</c>.</summary>
    TerabitsPerSecond,
    /// <summary><c>Count/Second</c>.</summary>
    CountPerSecond,
}

/// <summary>Converts <see cref="MetricUnit"/> to and from the strings CloudWatch uses on the wire.</summary>
public static class MetricUnitNames
{
    private static readonly string[] Names =
    [
        "None", "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
        "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
        "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
    ];

    /// <summary>All units, in declaration order.</summary>
    public static IReadOnlyList<MetricUnit> All { get; } = Enum.GetValues<MetricUnit>();

    /// <summary>The CloudWatch wire name of <paramref name="unit"/>, e.g. <c>Bytes/Second</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="MetricUnit"/>.</exception>
    public static string ToWireName(this MetricUnit unit)
    {
        var index = (int)unit;
        if ((uint)index >= (uint)Names.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(unit), unit, $"Unit {(int)unit} is not a CloudWatch StandardUnit.");
        }

        return Names[index];
    }

    /// <summary>Parses a CloudWatch wire name (case-sensitive, as CloudWatch is).</summary>
    public static bool TryParse(string? name, out MetricUnit unit)
    {
        var index = name is null ? -1 : Array.IndexOf(Names, name);
        unit = index < 0 ? MetricUnit.None : (MetricUnit)index;
        return index >= 0;
    }
}
