using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Aws.CloudWatch;

/// <summary>
/// Writes PutMetricData's AWS JSON 1.0 body straight into a <see cref="Utf8BodyWriter"/>: property names and units
/// are constant bytes, bucket representatives come from <see cref="DistributionValueText"/>, whole counts are integer
/// tokens, everything else is the shortest round-trip number. The same code measures a datum for batching, so a batch
/// is cut by the exact bytes it will have on the wire.
/// </summary>
internal static class MetricDataJsonWriter
{
    [ThreadStatic]
    private static Utf8BodyWriter? s_scratch;

    /// <summary>Bytes of the body around the datums for <paramref name="ns"/>, less one: n datums need n − 1 commas.</summary>
    public static int EnvelopeBytes(string ns)
    {
        using var writer = new Utf8BodyWriter(256);
        WriteStart(writer, ns);
        WriteEnd(writer);
        return writer.Length - 1;
    }

    public static void Write(Utf8BodyWriter writer, string ns, IReadOnlyList<MetricDatum> data)
    {
        WriteStart(writer, ns);
        for (var i = 0; i < data.Count; i++)
        {
            if (i > 0)
            {
                writer.Byte((byte)',');
            }

            if (data[i].JsonFragment is { } fragment)
            {
                writer.Raw(fragment);
            }
            else
            {
                WriteDatum(writer, data[i]);
            }
        }

        WriteEnd(writer);
    }

    /// <summary>One datum's object, as it appears in the MetricData array.</summary>
    public static void WriteDatum(Utf8BodyWriter w, MetricDatum d)
    {
        w.Raw("{\"MetricName\":"u8);
        w.String(d.MetricName);
        if (d.Dimensions.Count > 0)
        {
            w.Raw(",\"Dimensions\":["u8);
            for (var i = 0; i < d.Dimensions.Count; i++)
            {
                var dimension = d.Dimensions[i];
                w.Raw(i == 0 ? "{\"Name\":"u8 : ",{\"Name\":"u8);
                w.String(dimension.Name);
                w.Raw(",\"Value\":"u8);
                w.String(dimension.Value);
                w.Byte((byte)'}');
            }

            w.Byte((byte)']');
        }

        w.Raw(",\"Timestamp\":"u8);
        w.EpochSeconds(d.Timestamp);
        if (d.Value is { } value)
        {
            w.Raw(",\"Value\":"u8);
            w.Number(value);
        }

        // The exact extremes are also the first and last Values: their text is written once and copied.
        Extreme minimum = default, maximum = default;
        if (d.StatisticValues is { } s)
        {
            w.Raw(",\"StatisticValues\":{\"SampleCount\":"u8);
            w.Number(s.SampleCount);
            w.Raw(",\"Sum\":"u8);
            w.Number(s.Sum);
            w.Raw(",\"Minimum\":"u8);
            minimum = new Extreme(s.Minimum, w.Length);
            w.Number(s.Minimum);
            minimum.Length = w.Length - minimum.Offset;
            w.Raw(",\"Maximum\":"u8);
            maximum = new Extreme(s.Maximum, w.Length);
            w.Number(s.Maximum);
            maximum.Length = w.Length - maximum.Offset;
            w.Byte((byte)'}');
        }

        if (d.RawValues is { } values)
        {
            w.Raw(",\"Values\":["u8);
            WriteValues(w, values, minimum, maximum);
            w.Byte((byte)']');
        }

        if (d.RawCounts is { } counts)
        {
            w.Raw(",\"Counts\":["u8);
            WriteCounts(w, counts);
            w.Byte((byte)']');
        }

        w.Raw(",\"Unit\":"u8);
        w.String(d.Unit.ToWireName());
        if (d.StorageResolution != 60)
        {
            w.Raw(",\"StorageResolution\":"u8);
            w.Integer(d.StorageResolution); // 60 is CloudWatch's default
        }

        w.Byte((byte)'}');
    }

    /// <summary>
    /// The exact bytes <paramref name="datum"/> adds to a body, its separating comma included. The datum is serialized
    /// once: the bytes are kept on it (<see cref="MetricDatum.JsonFragment"/>) and the body copies them.
    /// </summary>
    public static int MeasureDatum(MetricDatum datum)
    {
        // Two threads measuring one datum at once both write the same bytes; either copy is right.
        var fragment = datum.JsonFragment ??= Serialize(datum);
        return fragment.Length + 1;
    }

    /// <summary>What <see cref="MeasureDatum"/> did before it kept the bytes: serialize into scratch, keep only the length.</summary>
    internal static int MeasureWithoutKeeping(MetricDatum datum)
    {
        var writer = s_scratch ??= new Utf8BodyWriter(8192);
        writer.Reset();
        WriteDatum(writer, datum);
        return writer.Length + 1;
    }

    private static byte[] Serialize(MetricDatum datum)
    {
        var writer = s_scratch ??= new Utf8BodyWriter(8192);
        writer.Reset();
        WriteDatum(writer, datum);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Values, comma-separated: bucket midpoints as their cached short text, anything else exactly.</summary>
    private static unsafe void WriteValues(Utf8BodyWriter w, ReadOnlySpan<double> values, Extreme minimum, Extreme maximum)
    {
        var into = w.Reserve((values.Length * 34) + 16);
        var at = 0;
        fixed (byte* written0 = w.WrittenSpan)
        fixed (byte* start = into)
        fixed (double* source = values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var v = source[i];
                var written = DistributionValueText.TryWrite(v, start + at);
                if (written == 0)
                {
                    var copy = minimum.Length > 0 && BitConverter.DoubleToInt64Bits(v) == BitConverter.DoubleToInt64Bits(minimum.Value) ? minimum
                        : maximum.Length > 0 && BitConverter.DoubleToInt64Bits(v) == BitConverter.DoubleToInt64Bits(maximum.Value) ? maximum
                        : default;
                    if (copy.Length > 0)
                    {
                        new ReadOnlySpan<byte>(written0 + copy.Offset, copy.Length).CopyTo(new Span<byte>(start + at, 32));
                        written = copy.Length;
                    }
                    else
                    {
                        written = Utf8BodyWriter.FormatNumber(v, new Span<byte>(start + at, 32));
                    }
                }

                at += written;
                start[at++] = (byte)',';
            }

            at -= values.Length > 0 ? 1 : 0; // the last comma
        }

        w.Advance(at);
    }

    /// <summary>Counts, comma-separated: whole counts as integer tokens.</summary>
    private static unsafe void WriteCounts(Utf8BodyWriter w, ReadOnlySpan<double> counts)
    {
        var into = w.Reserve((counts.Length * 34) + 16);
        var at = 0;
        fixed (byte* start = into)
        fixed (double* source = counts)
        {
            for (var i = 0; i < counts.Length; i++)
            {
                var c = source[i];
                at += c >= 0 && c < 1e15 && c == Math.Floor(c)
                    ? Utf8BodyWriter.Digits(start + at, (long)c)
                    : Utf8BodyWriter.FormatNumber(c, new Span<byte>(start + at, 32));
                start[at++] = (byte)',';
            }

            at -= counts.Length > 0 ? 1 : 0; // the last comma
        }

        w.Advance(at);
    }

    /// <summary>Where the text of an exact extreme was written in the body.</summary>
    private struct Extreme(double value, int offset)
    {
        public readonly double Value = value;
        public readonly int Offset = offset;
        public int Length;
    }

    private static void WriteStart(Utf8BodyWriter w, string ns)
    {
        w.Raw("{\"Namespace\":"u8);
        w.String(ns);
        w.Raw(",\"MetricData\":["u8);
    }

    private static void WriteEnd(Utf8BodyWriter w) => w.Raw("]}"u8);
}
