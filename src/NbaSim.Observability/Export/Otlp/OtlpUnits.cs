namespace NbaSim.Observability.Export.Otlp;

/// <summary>CloudWatch units → the UCUM units OpenTelemetry writes (the reverse of <c>Meters/MeterUnits</c>).</summary>
internal static class OtlpUnits
{
    public static string Of(MetricUnit unit) => unit switch
    {
        MetricUnit.Seconds => "s",
        MetricUnit.Microseconds => "us",
        MetricUnit.Milliseconds => "ms",
        MetricUnit.Bytes => "By",
        MetricUnit.Kilobytes => "kBy",
        MetricUnit.Megabytes => "MBy",
        MetricUnit.Gigabytes => "GBy",
        MetricUnit.Terabytes => "TBy",
        MetricUnit.Bits => "bit",
        MetricUnit.Kilobits => "kbit",
        MetricUnit.Megabits => "Mbit",
        MetricUnit.Gigabits => "Gbit",
        MetricUnit.Terabits => "Tbit",
        MetricUnit.Percent => "%",
        MetricUnit.Count => "1",
        MetricUnit.BytesPerSecond => "By/s",
        MetricUnit.KilobytesPerSecond => "kBy/s",
        MetricUnit.MegabytesPerSecond => "MBy/s",
        MetricUnit.GigabytesPerSecond => "GBy/s",
        MetricUnit.TerabytesPerSecond => "TBy/s",
        MetricUnit.BitsPerSecond => "bit/s",
        MetricUnit.KilobitsPerSecond => "kbit/s",
        MetricUnit.MegabitsPerSecond => "Mbit/s",
        MetricUnit.GigabitsPerSecond => "Gbit/s",
        MetricUnit.TerabitsPerSecond => "Tbit/s",
        MetricUnit.CountPerSecond => "1/s",
        _ => string.Empty,
    };
}
