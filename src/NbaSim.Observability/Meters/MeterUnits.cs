namespace NbaSim.Observability.Meters;

/// <summary>UCUM-style instrument units (as .NET and OpenTelemetry write them) → CloudWatch units.</summary>
internal static class MeterUnits
{
    /// <summary>The CloudWatch unit of <paramref name="unit"/>; false (and None) when it has no CloudWatch equivalent.</summary>
    public static bool TryMap(string? unit, out MetricUnit mapped)
    {
        mapped = MetricUnit.None;
        if (string.IsNullOrEmpty(unit) || unit == "1")
        {
            return true;
        }

        // "{request}", "{connection}": an annotation counts things.
        if (unit[0] == '{' && unit[^1] == '}' && unit.IndexOf('}', StringComparison.Ordinal) == unit.Length - 1)
        {
            mapped = MetricUnit.Count;
            return true;
        }

        MetricUnit? known = unit switch
        {
            "s" => MetricUnit.Seconds,
            "ms" => MetricUnit.Milliseconds,
            "us" or "\u00b5s" => MetricUnit.Microseconds,
            "By" => MetricUnit.Bytes,
            "kBy" or "KiBy" => MetricUnit.Kilobytes,
            "MBy" or "MiBy" => MetricUnit.Megabytes,
            "GBy" or "GiBy" => MetricUnit.Gigabytes,
            "TBy" or "TiBy" => MetricUnit.Terabytes,
            "bit" => MetricUnit.Bits,
            "%" => MetricUnit.Percent,
            "By/s" => MetricUnit.BytesPerSecond,
            "kBy/s" or "KiBy/s" => MetricUnit.KilobytesPerSecond,
            "bit/s" => MetricUnit.BitsPerSecond,
            "{count}" => MetricUnit.Count,
            "1/s" or "{request}/s" => MetricUnit.CountPerSecond,
            _ => null,
        };
        mapped = known ?? MetricUnit.None;
        return known is not null;
    }
}
