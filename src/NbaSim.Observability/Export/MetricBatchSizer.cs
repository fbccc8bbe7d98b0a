namespace NbaSim.Observability;

/// <summary>Estimates the awsQuery (form-encoded) size of a datum, the most verbose PutMetricData encoding.</summary>
public static class MetricBatchSizer
{
    // "MetricData.member.1000." plus '=' and '&' around each field.
    private const int FieldOverhead = 26;
    private const int NumberLength = 24;

    /// <summary>An upper estimate of the bytes <paramref name="datum"/> adds to a PutMetricData request.</summary>
    public static int EstimateQueryBytes(MetricDatum datum)
    {
        ArgumentNullException.ThrowIfNull(datum);
        var size = FieldOverhead + 11 + (datum.MetricName.Length * 3);
        size += FieldOverhead + 5 + 20; // Unit
        size += FieldOverhead + 10 + 24; // Timestamp
        size += FieldOverhead + 18 + 2; // StorageResolution
        foreach (var d in datum.Dimensions)
        {
            size += (2 * (FieldOverhead + 26)) + (3 * (d.Name.Length + d.Value.Length));
        }

        if (datum.Value is not null)
        {
            size += FieldOverhead + 6 + NumberLength;
        }

        if (datum.StatisticValues is not null)
        {
            size += 4 * (FieldOverhead + 28 + NumberLength);
        }

        if (datum.Values is { } values)
        {
            size += values.Count * 2 * (FieldOverhead + 18 + NumberLength);
        }

        return size;
    }
}
