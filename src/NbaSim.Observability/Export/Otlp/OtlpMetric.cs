namespace NbaSim.Observability.Export.Otlp;

/// <summary>One OTLP metric (name, unit, kind) of one namespace: the series that share it go in one Metric message.</summary>
internal sealed class OtlpMetric(string ns, string name, string unit, OtlpPointKind kind)
{
    public string Namespace { get; } = ns;

    public string Name { get; } = name;

    /// <summary>UCUM unit, empty for none.</summary>
    public string Unit { get; } = unit;

    public OtlpPointKind Kind { get; } = kind;

    /// <summary>Whether the Sum of the series in the request being written is monotonic: none of them ever went down.</summary>
    public bool Monotonic
    {
        get
        {
            foreach (var series in Pending)
            {
                if (series.WentDown)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Series of this metric in the request being written.</summary>
    public List<OtlpSeries> Pending { get; } = [];

    /// <summary>Bytes of the Metric message's content for <see cref="Pending"/>, set by the writer's size pass.</summary>
    public int ContentSize { get; set; }

    /// <summary>Bytes of the data message (gauge, sum or exponential_histogram) inside it.</summary>
    public int DataSize { get; set; }
}
