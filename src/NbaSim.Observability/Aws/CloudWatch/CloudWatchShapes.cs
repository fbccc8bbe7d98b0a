using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Aws.CloudWatch;

/// <summary>A metric's identity, as CloudWatch's <c>Metric</c> shape.</summary>
internal sealed record MetricIdentity
{
    /// <summary>Namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Metric name.</summary>
    public required string MetricName { get; init; }

    /// <summary>Dimensions.</summary>
    public IReadOnlyList<MetricDimension> Dimensions { get; init; } = [];

    internal void Write(IShapeWriter w)
    {
        w.String("Namespace", Namespace);
        w.String("MetricName", MetricName);
        Shapes.WriteDimensions(w, "Dimensions", Dimensions);
    }

    internal static MetricIdentity Read(ShapeNode n) => new()
    {
        Namespace = n.String("Namespace") ?? string.Empty,
        MetricName = n.String("MetricName") ?? string.Empty,
        Dimensions = Shapes.ReadDimensions(n, "Dimensions"),
    };
}

/// <summary>A metric and how to aggregate it (<c>MetricStat</c>).</summary>
internal sealed record MetricStat
{
    /// <summary>The metric.</summary>
    public required MetricIdentity Metric { get; init; }

    /// <summary>Period in seconds.</summary>
    public required int Period { get; init; }

    /// <summary>Statistic, e.g. <c>Sum</c>, <c>Average</c>, <c>p95</c>.</summary>
    public required string Stat { get; init; }

    /// <summary>Optional unit filter.</summary>
    public MetricUnit? Unit { get; init; }

    internal void Write(IShapeWriter w)
    {
        w.Structure("Metric", Metric.Write);
        w.Integer("Period", Period);
        w.String("Stat", Stat);
        w.String("Unit", Unit?.ToWireName());
    }

    internal static MetricStat Read(ShapeNode n) => new()
    {
        Metric = n.Child("Metric") is { } m ? MetricIdentity.Read(m) : new MetricIdentity { Namespace = string.Empty, MetricName = string.Empty },
        Period = (int)(n.Integer("Period") ?? 0),
        Stat = n.String("Stat") ?? string.Empty,
        Unit = Shapes.ReadUnit(n, "Unit"),
    };
}

/// <summary>One query of GetMetricData or of a metric-math alarm (<c>MetricDataQuery</c>): a metric, or an expression.</summary>
internal sealed record MetricDataQuery
{
    /// <summary>Id referenced by expressions (lowercase first letter).</summary>
    public required string Id { get; init; }

    /// <summary>A metric to retrieve, or null for an expression.</summary>
    public MetricStat? MetricStat { get; init; }

    /// <summary>A metric-math expression, e.g. <c>ANOMALY_DETECTION_BAND(m1, 2)</c>.</summary>
    public string? Expression { get; init; }

    /// <summary>Label.</summary>
    public string? Label { get; init; }

    /// <summary>Whether the result is returned (or, in an alarm, is the alarmed series).</summary>
    public bool? ReturnData { get; init; }

    /// <summary>Period for expressions, in seconds.</summary>
    public int? Period { get; init; }

    internal void Write(IShapeWriter w)
    {
        w.String("Id", Id);
        w.Structure("MetricStat", MetricStat is null ? null : MetricStat.Write);
        w.String("Expression", Expression);
        w.String("Label", Label);
        w.Boolean("ReturnData", ReturnData);
        w.Integer("Period", Period);
    }

    internal static MetricDataQuery Read(ShapeNode n) => new()
    {
        Id = n.String("Id") ?? string.Empty,
        MetricStat = n.Child("MetricStat") is { } s ? MetricStat.Read(s) : null,
        Expression = n.String("Expression"),
        Label = n.String("Label"),
        ReturnData = n.Boolean("ReturnData"),
        Period = (int?)n.Integer("Period"),
    };
}

internal static class Shapes
{
    public static void WriteDimensions(IShapeWriter w, string name, IReadOnlyList<MetricDimension>? dimensions)
    {
        if (dimensions is { Count: > 0 })
        {
            w.List(name, dimensions, static (m, d) =>
            {
                m.String("Name", d.Name);
                m.String("Value", d.Value);
            });
        }
    }

    public static IReadOnlyList<MetricDimension> ReadDimensions(ShapeNode n, string name)
        => n.List(name).Select(d => new MetricDimension(d.String("Name") ?? string.Empty, d.String("Value") ?? string.Empty)).ToList();

    public static MetricUnit? ReadUnit(ShapeNode n, string name)
        => MetricUnitNames.TryParse(n.String(name), out var unit) ? unit : null;

    public static void WriteNonEmpty(IShapeWriter w, string name, IReadOnlyList<string>? items)
    {
        if (items is { Count: > 0 })
        {
            w.StringList(name, items);
        }
    }
}
