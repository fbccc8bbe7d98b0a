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
    public const int InitialScale = 7;

    /// <summary>Values below this magnitude count as zero (the recording histogram's own zero bucket).</summary>
    public static readonly double ZeroThreshold = Math.ScaleB(1, -64);

    private readonly List<(bool Negative, int Index, long Count, int Scale)> _undo = [];
    private (ulong Start, ulong Time, double Value, long ValueTicks, long Count, double Sum, double Min, double Max, long Zero, bool WentDown) _before;

    public OtlpSeries(OtlpMetric metric, MetricDimension[] dimensions, bool kindGuessed = false)
    {
        Metric = metric;
        Dimensions = dimensions;
        KindGuessed = kindGuessed;

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

    /// <summary>True when the series' kind was guessed from a datum's shape (a datum without its series' kind): a datum that knows it replaces the series.</summary>
    public bool KindGuessed { get; }

    /// <summary>Within the export in progress: absorbed datums of this series are undone unless its point is delivered.</summary>
    public bool InExport { get; private set; }

    /// <summary>The export in progress delivered this series' point (HTTP 200).</summary>
    public bool Delivered { get; set; }

    /// <summary>The endpoint refused this series' point for good in the export in progress.</summary>
    public bool Refused { get; set; }

    /// <summary>Datums of the export in progress absorbed into this series.</summary>
    public int PendingDatums { get; set; }

    public MetricDimension[] Dimensions { get; }

    /// <summary>The point's attributes, encoded (tags included).</summary>
    public byte[] Attributes { get; }

    /// <summary>UTF-8 bytes of the attribute names and values: the label metadata the endpoint limits per point.</summary>
    public int LabelBytes { get; }

    public ulong StartNanos { get; set; }

    public ulong TimeNanos { get; set; }

    /// <summary>A counter of this series recorded a negative value (delivered): its Sum is not monotonic.</summary>
    public bool WentDown { get; set; }

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

        Add(buckets, index, count);
    }

    /// <summary>Starts an export: what it absorbs can be undone (<see cref="Rollback"/>) until it is kept (<see cref="Commit"/>).</summary>
    public void Begin()
    {
        if (InExport)
        {
            return;
        }

        InExport = true;
        Delivered = false;
        Refused = false;
        PendingDatums = 0;
        _undo.Clear();
        _before = (StartNanos, TimeNanos, Value, ValueTicks, Count, Sum, Min, Max, ZeroCount, WentDown);
    }

    /// <summary>The export delivered the point: what it absorbed stays.</summary>
    public void Commit()
    {
        InExport = false;
        _undo.Clear();
    }

    /// <summary>
    /// The export did not deliver the point: the series is as before it (the datums are handed back, or counted as
    /// refused), so no later point carries samples that were counted as dropped. A scale lowered meanwhile stays lowered;
    /// the undone counts are mapped to it.
    /// </summary>
    public void Rollback()
    {
        if (!InExport)
        {
            return;
        }

        for (var i = _undo.Count - 1; i >= 0; i--)
        {
            var (negative, index, count, scale) = _undo[i];
            (negative ? Negative : Positive).Subtract(index >> (scale - Scale), count);
        }

        (StartNanos, TimeNanos, Value, ValueTicks, Count, Sum, Min, Max, ZeroCount, WentDown) = _before;
        InExport = false;
        _undo.Clear();
    }

    private void Add(ExponentialBuckets buckets, int index, long count)
    {
        buckets.Add(index, count);
        if (InExport)
        {
            _undo.Add((ReferenceEquals(buckets, Negative), index, count, Scale));
        }
    }

    /// <summary>
    /// Counts <paramref name="count"/> samples known only to lie in [<paramref name="lower"/>, <paramref name="upper"/>]
    /// (a bucket of the recording histogram, narrowed to the period's exact extremes): spread over the exponential
    /// buckets that range overlaps, in proportion to the overlap, as samples spread evenly over it would fall. Whole
    /// counts: the running total is rounded, so the parts add up to <paramref name="count"/> exactly.
    /// </summary>
    public void AddSpread(double lower, double upper, double representative, long count)
    {
        if (count <= 0)
        {
            return;
        }

        var negative = upper <= 0;
        var lo = negative ? -upper : lower;
        var hi = negative ? -lower : upper;
        if (!(lo > ZeroThreshold) || !double.IsFinite(hi) || hi <= lo)
        {
            AddToBuckets(representative, count);
            return;
        }

        if (hi > 2 * lo)
        {
            // Wider than a power of two: only the recording histogram's overflow bucket (2^64 and up), narrowed to the
            // period's extremes. Its samples are not spread evenly (that moves them by octaves): the extremes are real
            // samples, one each; the rest stay at the representative.
            var sign = negative ? -1 : 1;
            AddToBuckets(sign * lo, 1);
            if (count > 1)
            {
                AddToBuckets(sign * hi, 1);
            }

            AddToBuckets(representative, count - 2);
            return;
        }

        var buckets = negative ? Negative : Positive;
        int first;
        int last;
        while (true)
        {
            first = IndexOf(lo, Scale);
            last = IndexOf(hi, Scale);
            if (buckets.Fits(first) && buckets.Fits(last))
            {
                break;
            }

            Scale--;
            Positive.Downscale();
            Negative.Downscale();
        }

        if (first == last)
        {
            Add(buckets, first, count);
            return;
        }

        var width = hi - lo;
        var factor = Math.Pow(2, Math.Pow(2, -Scale));
        long placed = 0;
        for (var index = first; index <= last; index++)
        {
            var edge = index == last ? hi : Math.Min(hi, Math.Pow(factor, index + 1));
            var share = index == last ? count : (long)Math.Round(count * ((edge - lo) / width));
            var part = Math.Max(0, share - placed);
            if (part > 0)
            {
                Add(buckets, index, part);
                placed += part;
            }
        }
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
