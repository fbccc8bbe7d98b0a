namespace NbaSim.Observability.Export.Otlp;

/// <summary>
/// What one point of a series costs on CloudWatch's OTel path, which bills the serialized size of each data point's
/// name, labels, resource attributes, timestamp and value ("OTel metrics pricing and storage"): measured with the
/// exporter's own writer, not estimated from string lengths.
/// </summary>
internal static class OtlpBilledBytes
{
    /// <summary>The resource the exporter sends (service.name, service.instance.id, telemetry.sdk.*), for a service named <paramref name="serviceName"/>.</summary>
    public static int ResourceBytes(string serviceName)
        => OtlpRequestWriter.Resource(
        [
            new("service.name", serviceName),
            new("service.instance.id", Guid.Empty.ToString()),
            new("telemetry.sdk.name", "nbasim.observability"),
            new("telemetry.sdk.language", "dotnet"),
        ]).Length;

    /// <summary>
    /// Bytes billed for one point of <paramref name="datum"/>'s series: the point as the writer encodes it (labels,
    /// timestamps, value or buckets), the metric's name, and the resource's attributes, which the bill counts per point.
    /// </summary>
    public static int PerPoint(MetricDatum datum, int resourceBytes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(datum);
        var state = new OtlpCumulativeState();
        var series = state.Absorb(datum, now);
        return OtlpRequestWriter.SizeOfPoint(series) + System.Text.Encoding.UTF8.GetByteCount(datum.MetricName) + resourceBytes;
    }
}
