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
    private static Utf8BodyWriter? t_scratch;

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

            WriteDatum(writer, data[i]);
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

        if (d.StatisticValues is { } s)
        {
            w.Raw(",\"StatisticValues\":{\"SampleCount\":"u8);
            w.Number(s.SampleCount);
            w.Raw(",\"Sum\":"u8);
            w.Number(s.Sum);
            w.Raw(",\"Minimum\":"u8);
            w.Number(s.Minimum);
            w.Raw(",\"Maximum\":"u8);
            w.Number(s.Maximum);
            w.Byte((byte)'}');
        }

        if (d.Values is { } values)
        {
            w.Raw(",\"Values\":["u8);
            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0)
                {
                    w.Byte((byte)',');
                }

                var v = values[i];
                if (DistributionValueText.TryGet(v, out var text))
                {
                    w.Raw(text);
                }
                else
                {
                    w.Number(v);
                }
            }

            w.Byte((byte)']');
        }

        if (d.Counts is { } counts)
        {
            w.Raw(",\"Counts\":["u8);
            for (var i = 0; i < counts.Count; i++)
            {
                if (i > 0)
                {
                    w.Byte((byte)',');
                }

                w.Number(counts[i]);
            }

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

    /// <summary>The exact bytes <paramref name="datum"/> adds to a body, its separating comma included.</summary>
    public static int MeasureDatum(MetricDatum datum)
    {
        var writer = t_scratch ??= new Utf8BodyWriter(8192);
        writer.Reset();
        WriteDatum(writer, datum);
        return writer.Length + 1;
    }

    private static void WriteStart(Utf8BodyWriter w, string ns)
    {
        w.Raw("{\"Namespace\":"u8);
        w.String(ns);
        w.Raw(",\"MetricData\":["u8);
    }

    private static void WriteEnd(Utf8BodyWriter w) => w.Raw("]}"u8);
}
