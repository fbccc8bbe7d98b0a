using System.Text;
using NbaSim.Observability.Aws.Otlp;

namespace NbaSim.Observability.Export.Otlp;

/// <summary>
/// The cumulative state of one series on the OTLP path: what every datum absorbed so far adds up to, since
/// <see cref="StartNanos"/>. A point is this state at <see cref="TimeNanos"/>; sending it twice, or losing one, changes
/// nothing that a later point does not repair, which is why the path is cumulative.
/// </summary>
internal sealed class OtlpSeries
{
    /// <summary>Scale of new histograms: 128 buckets per power of two, each 0.54 % wide (see docs/api.md).</summary>
    public const int InitialScale = 6;

    /// <summary>Values below this magnitude count as zero (the recording histogram's own zero bucket).</summary>
    public static readonly double ZeroThreshold = Math.ScaleB(1, -64);

    public OtlpSeries(OtlpMetric metric, MetricDimension[] dimensions)
    {
        Metric = metric;
        Dimensions = dimensions;

        // The attributes are the same in every point of the series: encoded once. NumberDataPoint keeps them in field 7,
        // ExponentialHistogramDataPoint in field 1.
        var field = metric.Kind == OtlpPointKind.Histogram ? 1 : 7;
        using var buffer = new Aws.Protocol.Utf8BodyWriter(256);
        foreach (var d in dimensions)
        {
            var keyValue = ProtobufWriter.SizeOfString(1, d.Name) + ProtobufWriter.SizeOfDelimited(2, ProtobufWriter.SizeOfString(1, d.Value));
            ProtobufWriter.DelimitedHeader(buffer, field, keyValue);
            ProtobufWriter.StringField(buffer, 1, d.Name);
            ProtobufWriter.DelimitedHeader(buffer, 2, ProtobufWriter.SizeOfString(1, d.Value));
            ProtobufWriter.StringField(buffer, 1, d.Value);
            LabelBytes += Encoding.UTF8.GetByteCount(d.Name) + Encoding.UTF8.GetByteCount(d.Value);
        }

        Attributes = buffer.ToArray();
    }

    public OtlpMetric Metric { get; }

    public MetricDimension[] Dimensions { get; }

    /// <summary>The point's attributes, encoded (tags included).</summary>
    public byte[] Attributes { get; }

    /// <summary>UTF-8 bytes of the attribute names and values: the label metadata the endpoint limits per point.</summary>
    public int LabelBytes { get; }

    public ulong StartNanos { get; set; }

    public ulong TimeNanos { get; set; }

    /// <summary>Sum: the running total. Gauge: the last value.</summary>
    public double Value { get; set; }

    /// <summary>Timestamp (ticks) of the datum <see cref="Value"/> came from, for a gauge: an older datum arriving late does not replace it.</summary>
    public long ValueTicks { get; set; } = long.MinValue;

    public long Count { get; set; }

    public double Sum { get; set; }

    public double Min { get; set; } = double.PositiveInfinity;

    public double Max { get; set; } = double.NegativeInfinity;

    public long ZeroCount { get; set; }

    public int Scale { get; set; } = InitialScale;

    public ExponentialBuckets Positive { get; } = new();

    public ExponentialBuckets Negative { get; } = new();

    /// <summary>The request this series was last added to (so it is added once per request).</summary>
    public int PendingIn { get; set; } = -1;

    /// <summary>Bytes of the data point's content, set by the writer's size pass.</summary>
    public int PointSize { get; set; }

    /// <summary>Bytes of the packed positive and negative bucket counts, set by the writer's size pass.</summary>
    public int PositivePacked { get; set; }

    public int NegativePacked { get; set; }

    /// <summary>Counts <paramref name="count"/> samples of <paramref name="value"/> into the buckets.</summary>
    public void AddToBuckets(double value, long count)
    {
        if (count <= 0)
        {
            return;
        }

        var magnitude = Math.Abs(value);
        if (magnitude < ZeroThreshold || !double.IsFinite(magnitude))
        {
            ZeroCount += double.IsFinite(magnitude) ? count : 0;
            return;
        }

        var buckets = value > 0 ? Positive : Negative;
        var index = IndexOf(magnitude, Scale);
        while (!buckets.Fits(index))
        {
            // Too wide a range for the bucket limit: halve the resolution of both signs, as the data model allows.
            Scale--;
            Positive.Downscale();
            Negative.Downscale();
            index = IndexOf(magnitude, Scale);
        }

        buckets.Add(index, count);
    }

    /// <summary>
    /// The bucket of <paramref name="magnitude"/> at <paramref name="scale"/>: bucket i holds (2^(i/2^scale), 2^((i+1)/2^scale)],
    /// upper bound included, exact at powers of two.
    /// </summary>
    public static int IndexOf(double magnitude, int scale)
    {
        var bits = BitConverter.DoubleToInt64Bits(magnitude);
        var exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        if ((bits & 0xF_FFFF_FFFF_FFFF) == 0 && exponent > -1023)
        {
            // An exact power of two is the upper bound of the bucket below it.
            return scale >= 0 ? (exponent << scale) - 1 : (exponent >> -scale) - ((exponent & ((1 << -scale) - 1)) == 0 ? 1 : 0);
        }

        if (scale <= 0)
        {
            return (exponent >> -scale);
        }

        // Between powers of two: the logarithm decides; the result is pulled into the power of two it must lie in,
        // so rounding in Log2 cannot put a value a whole octave off.
        var index = (int)Math.Ceiling(Math.Log2(magnitude) * (1 << scale)) - 1;
        return Math.Clamp(index, exponent << scale, ((exponent + 1) << scale) - 1);
    }
}
