using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Aws.CloudWatch;

/// <summary>An anomaly detector on one metric and statistic.</summary>
internal sealed record AnomalyDetectorDefinition
{
    /// <summary>Namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Metric name.</summary>
    public required string MetricName { get; init; }

    /// <summary>Dimensions.</summary>
    public IReadOnlyList<MetricDimension> Dimensions { get; init; } = [];

    /// <summary>Statistic, e.g. Average or p95.</summary>
    public required string Stat { get; init; }

    /// <summary>Time ranges excluded from training.</summary>
    public IReadOnlyList<ExcludedTimeRange> ExcludedTimeRanges { get; init; } = [];

    /// <summary>Time zone for daylight-saving aware models.</summary>
    public string? MetricTimezone { get; init; }

    internal void Write(IShapeWriter w)
    {
        w.Structure("SingleMetricAnomalyDetector", m =>
        {
            m.String("Namespace", Namespace);
            m.String("MetricName", MetricName);
            Shapes.WriteDimensions(m, "Dimensions", Dimensions);
            m.String("Stat", Stat);
        });
        if (ExcludedTimeRanges.Count > 0 || MetricTimezone is not null)
        {
            w.Structure("Configuration", c =>
            {
                if (ExcludedTimeRanges.Count > 0)
                {
                    c.List("ExcludedTimeRanges", ExcludedTimeRanges, static (r, range) =>
                    {
                        r.Timestamp("StartTime", range.StartTime);
                        r.Timestamp("EndTime", range.EndTime);
                    });
                }

                c.String("MetricTimezone", MetricTimezone);
            });
        }
    }

    internal static AnomalyDetectorDefinition Read(ShapeNode n)
    {
        var single = n.Child("SingleMetricAnomalyDetector") ?? n;
        var configuration = n.Child("Configuration");
        return new AnomalyDetectorDefinition
        {
            Namespace = single.String("Namespace") ?? n.String("Namespace") ?? string.Empty,
            MetricName = single.String("MetricName") ?? n.String("MetricName") ?? string.Empty,
            Dimensions = Shapes.ReadDimensions(single, "Dimensions") is { Count: > 0 } d ? d : Shapes.ReadDimensions(n, "Dimensions"),
            Stat = single.String("Stat") ?? n.String("Stat") ?? string.Empty,
            ExcludedTimeRanges = configuration?.List("ExcludedTimeRanges").Select(r => new ExcludedTimeRange(r.Timestamp("StartTime") ?? default, r.Timestamp("EndTime") ?? default)).ToList() ?? [],
            MetricTimezone = configuration?.String("MetricTimezone"),
        };
    }
}
