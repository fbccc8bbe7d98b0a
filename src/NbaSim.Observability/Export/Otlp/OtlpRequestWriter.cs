using NbaSim.Observability.Aws.Protocol;
using static NbaSim.Observability.Aws.Otlp.ProtobufWriter;

namespace NbaSim.Observability.Export.Otlp;

/// <summary>
/// Writes one <c>ExportMetricsServiceRequest</c> (opentelemetry-proto <c>collector/metrics/v1</c>) from the series of
/// one namespace: one ResourceMetrics (the process's resource), one ScopeMetrics (scope name = the namespace), one Metric
/// per metric name with a data point per series. Sizes are computed first, so every length prefix is minimal and the
/// body is written once, into a reused buffer: no allocation per request.
/// </summary>
internal static class OtlpRequestWriter
{
    private const int Fixed64FieldBytes = 9; // a one-byte tag and 8 bytes
    private const int AggregationTemporalityCumulative = 2;

    /// <summary>Bytes of one series' data point content (also stores what the write pass needs on the series).</summary>
    public static int SizeOfPoint(OtlpSeries series)
    {
        var size = series.Attributes.Length;
        switch (series.Metric.Kind)
        {
            case OtlpPointKind.Sum:
                size += Fixed64FieldBytes * 3; // start, time, as_double
                break;
            case OtlpPointKind.Gauge:
                size += Fixed64FieldBytes * 2; // time, as_double (a gauge needs no start)
                break;
            default:
                size += Fixed64FieldBytes * 4; // start, time, count, sum
                size += SizeOfTag(6) + SizeOfVarint(ZigZag(series.Scale));
                if (series.ZeroCount > 0)
                {
                    size += Fixed64FieldBytes * 2; // zero_count, zero_threshold
                }

                series.PositivePacked = series.Positive.PackedSize;
                series.NegativePacked = series.Negative.PackedSize;
                size += SizeOfBuckets(8, series.Positive, series.PositivePacked) + SizeOfBuckets(9, series.Negative, series.NegativePacked);
                size += Fixed64FieldBytes * 2; // min, max
                break;
        }

        series.PointSize = size;
        return size;
    }

    /// <summary>Bytes of the request for <paramref name="metrics"/> (each with its pending series sized), and the sizes kept for <see cref="Write"/>.</summary>
    public static int SizeOfRequest(ReadOnlySpan<byte> resource, string ns, List<OtlpMetric> metrics, out int resourceMetricsSize, out int scopeMetricsSize)
    {
        scopeMetricsSize = SizeOfDelimited(1, SizeOfString(1, ns));
        foreach (var metric in metrics)
        {
            var points = 0;
            foreach (var series in metric.Pending)
            {
                points += SizeOfDelimited(1, series.PointSize);
            }

            metric.DataSize = points + metric.Kind switch
            {
                OtlpPointKind.Sum => 2 + (metric.Monotonic ? 2 : 0),
                OtlpPointKind.Histogram => 2,
                _ => 0,
            };
            metric.ContentSize = SizeOfString(1, metric.Name)
                + (metric.Unit.Length > 0 ? SizeOfString(3, metric.Unit) : 0)
                + SizeOfDelimited(DataField(metric.Kind), metric.DataSize);
            scopeMetricsSize += SizeOfDelimited(2, metric.ContentSize);
        }

        resourceMetricsSize = SizeOfDelimited(1, resource.Length) + SizeOfDelimited(2, scopeMetricsSize);
        return SizeOfDelimited(1, resourceMetricsSize);
    }

    /// <summary>Writes the request sized by <see cref="SizeOfRequest"/>.</summary>
    public static void Write(Utf8BodyWriter output, ReadOnlySpan<byte> resource, string ns, List<OtlpMetric> metrics, int resourceMetricsSize, int scopeMetricsSize)
    {
        DelimitedHeader(output, 1, resourceMetricsSize);
        DelimitedHeader(output, 1, resource.Length);
        output.Raw(resource);
        DelimitedHeader(output, 2, scopeMetricsSize);
        DelimitedHeader(output, 1, SizeOfString(1, ns));
        StringField(output, 1, ns);
        foreach (var metric in metrics)
        {
            DelimitedHeader(output, 2, metric.ContentSize);
            StringField(output, 1, metric.Name);
            if (metric.Unit.Length > 0)
            {
                StringField(output, 3, metric.Unit);
            }

            DelimitedHeader(output, DataField(metric.Kind), metric.DataSize);
            foreach (var series in metric.Pending)
            {
                DelimitedHeader(output, 1, series.PointSize);
                WritePoint(output, series);
            }

            if (metric.Kind != OtlpPointKind.Gauge)
            {
                VarintField(output, 2, AggregationTemporalityCumulative);
            }

            if (metric.Kind == OtlpPointKind.Sum && metric.Monotonic)
            {
                VarintField(output, 3, 1);
            }
        }
    }

    /// <summary>The resource message content: its attributes (string values), in the order given.</summary>
    public static byte[] Resource(IEnumerable<KeyValuePair<string, string>> attributes)
    {
        using var buffer = new Utf8BodyWriter(512);
        foreach (var (key, value) in attributes)
        {
            DelimitedHeader(buffer, 1, SizeOfString(1, key) + SizeOfDelimited(2, SizeOfString(1, value)));
            StringField(buffer, 1, key);
            DelimitedHeader(buffer, 2, SizeOfString(1, value));
            StringField(buffer, 1, value);
        }

        return buffer.ToArray();
    }

    private static int DataField(OtlpPointKind kind) => kind switch
    {
        OtlpPointKind.Gauge => 5,
        OtlpPointKind.Sum => 7,
        _ => 10,
    };

    private static void WritePoint(Utf8BodyWriter output, OtlpSeries series)
    {
        switch (series.Metric.Kind)
        {
            case OtlpPointKind.Sum:
                output.Raw(series.Attributes);
                Fixed64Field(output, 2, series.StartNanos);
                Fixed64Field(output, 3, series.TimeNanos);
                DoubleField(output, 4, series.Value);
                break;
            case OtlpPointKind.Gauge:
                output.Raw(series.Attributes);
                Fixed64Field(output, 3, series.TimeNanos);
                DoubleField(output, 4, series.Value);
                break;
            default:
                output.Raw(series.Attributes);
                Fixed64Field(output, 2, series.StartNanos);
                Fixed64Field(output, 3, series.TimeNanos);
                Fixed64Field(output, 4, (ulong)series.Count);
                DoubleField(output, 5, series.Sum);
                VarintField(output, 6, ZigZag(series.Scale));
                if (series.ZeroCount > 0)
                {
                    Fixed64Field(output, 7, (ulong)series.ZeroCount);
                }

                WriteBuckets(output, 8, series.Positive, series.PositivePacked);
                WriteBuckets(output, 9, series.Negative, series.NegativePacked);
                DoubleField(output, 12, series.Min);
                DoubleField(output, 13, series.Max);
                if (series.ZeroCount > 0)
                {
                    DoubleField(output, 14, OtlpSeries.ZeroThreshold);
                }

                break;
        }
    }

    private static int SizeOfBucketsContent(ExponentialBuckets buckets, int packed)
        => (buckets.Offset != 0 ? SizeOfTag(1) + SizeOfVarint(ZigZag(buckets.Offset)) : 0) + SizeOfDelimited(2, packed);

    private static int SizeOfBuckets(int field, ExponentialBuckets buckets, int packed)
        => buckets.Length == 0 ? 0 : SizeOfDelimited(field, SizeOfBucketsContent(buckets, packed));

    private static void WriteBuckets(Utf8BodyWriter output, int field, ExponentialBuckets buckets, int packed)
    {
        if (buckets.Length == 0)
        {
            return;
        }

        DelimitedHeader(output, field, SizeOfBucketsContent(buckets, packed));
        if (buckets.Offset != 0)
        {
            VarintField(output, 1, ZigZag(buckets.Offset));
        }

        DelimitedHeader(output, 2, packed);

        // The packed counts in one reserved span: most are below 128, one byte each.
        var span = output.Reserve(packed);
        var at = 0;
        foreach (var count in buckets.Counts)
        {
            var value = (ulong)count;
            while (value >= 0x80)
            {
                span[at++] = (byte)(value | 0x80);
                value >>= 7;
            }

            span[at++] = (byte)value;
        }

        output.Advance(at);
    }
}
