using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Aws.CloudWatch;

/// <summary>PutMetricData: publishes up to 1,000 datums of one namespace (1 MB body at most; gzip-compressed from 10,240 bytes).</summary>
internal sealed class PutMetricDataRequest : AwsRequest<PutMetricDataResponse>
{
    /// <summary>Creates the request; every datum must belong to <paramref name="ns"/>.</summary>
    /// <exception cref="ArgumentException">A datum of another namespace, or more than 1,000 datums.</exception>
    public PutMetricDataRequest(string ns, IReadOnlyList<MetricDatum> metricData)
    {
        ArgumentNullException.ThrowIfNull(metricData);
        if (metricData.Count > MetricLimits.MaxDatumsPerRequest)
        {
            throw new ArgumentException($"MetricData has {metricData.Count} datums; PutMetricData allows {MetricLimits.MaxDatumsPerRequest}.", nameof(metricData));
        }

        if (metricData.FirstOrDefault(d => d.Namespace != ns) is { } other)
        {
            throw new ArgumentException($"Datum {other} is not in namespace '{ns}'; one PutMetricData call takes one namespace.", nameof(metricData));
        }

        Namespace = ns;
        MetricData = metricData;
    }

    /// <summary>Namespace.</summary>
    public string Namespace { get; }

    /// <summary>The datums.</summary>
    public IReadOnlyList<MetricDatum> MetricData { get; }

    internal override string Operation => "PutMetricData";

    internal override bool MayCompress => true;

    internal override void Write(IShapeWriter w)
    {
        w.String("Namespace", Namespace);
        w.List("MetricData", MetricData, WriteDatum);
    }

    internal override void WriteJson(Utf8BodyWriter body) => MetricDataJsonWriter.Write(body, Namespace, MetricData);

    internal static void WriteDatum(IShapeWriter w, MetricDatum d)
    {
        w.String("MetricName", d.MetricName);
        Shapes.WriteDimensions(w, "Dimensions", d.Dimensions);
        w.Timestamp("Timestamp", d.Timestamp);
        w.Number("Value", d.Value);
        if (d.StatisticValues is { } s)
        {
            w.Structure("StatisticValues", m =>
            {
                m.Number("SampleCount", s.SampleCount);
                m.Number("Sum", s.Sum);
                m.Number("Minimum", s.Minimum);
                m.Number("Maximum", s.Maximum);
            });
        }

        w.NumberList("Values", d.Values);
        w.NumberList("Counts", d.Counts);
        w.String("Unit", d.Unit.ToWireName());
        if (d.StorageResolution != 60)
        {
            w.Integer("StorageResolution", d.StorageResolution); // 60 is CloudWatch's default
        }
    }
}

/// <summary>The (empty) answer to PutMetricData.</summary>
internal sealed class PutMetricDataResponse : AwsResponse;
