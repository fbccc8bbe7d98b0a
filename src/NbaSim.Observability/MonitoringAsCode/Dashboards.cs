using System.Text.Json;

namespace NbaSim.Observability;

/// <summary>A CloudWatch dashboard: a name and widgets, rendered to the dashboard body JSON.</summary>
public sealed record DashboardDefinition(string Name, IReadOnlyList<Widget> Widgets)
{
    /// <summary>The dashboard body, as PutDashboard takes it (indented, stable key order).</summary>
    public string RenderBody(bool indented = true)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: a PromQL query's quotes read as \" rather than \u0022, and '>' stays '>' (the body is JSON for
        // an API and a file under dashboards/, never embedded in HTML).
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("widgets");
            foreach (var widget in Widgets)
            {
                widget.Write(json);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>A widget's place on the 24-column grid.</summary>
public readonly record struct WidgetLayout(int X, int Y, int Width = 12, int Height = 6);

/// <summary>A dashboard widget.</summary>
public abstract record Widget(WidgetLayout Layout)
{
    internal abstract void Write(Utf8JsonWriter json);

    private protected void WriteFrame(Utf8JsonWriter json, string type)
    {
        json.WriteString("type", type);
        json.WriteNumber("x", Layout.X);
        json.WriteNumber("y", Layout.Y);
        json.WriteNumber("width", Layout.Width);
        json.WriteNumber("height", Layout.Height);
    }
}

/// <summary>One line of a metric widget: a metric with its dimensions and options, or a metric-math expression.</summary>
public sealed record MetricLine
{
    /// <summary>Namespace (null for expressions).</summary>
    public string? Namespace { get; init; }

    /// <summary>Metric name (null for expressions).</summary>
    public string? MetricName { get; init; }

    /// <summary>Dimensions.</summary>
    public IReadOnlyList<MetricDimension> Dimensions { get; init; } = [];

    /// <summary>Metric-math expression, e.g. <c>m1 / (m1 + m2) * 100</c>.</summary>
    public string? Expression { get; init; }

    /// <summary>Statistic of this line (overrides the widget's), e.g. <c>p95</c>.</summary>
    public string? Stat { get; init; }

    /// <summary>Legend label.</summary>
    public string? Label { get; init; }

    /// <summary>Id for expressions.</summary>
    public string? Id { get; init; }

    /// <summary>Draw on the right axis.</summary>
    public bool RightAxis { get; init; }

    /// <summary>Hidden (used only by expressions).</summary>
    public bool Hidden { get; init; }

    /// <summary>
    /// Also matches series with more dimensions, added up (a PromQL selector matches every series that has these labels,
    /// and the query sums or averages them). Set for the preview of a <see cref="PromQLLine"/>; not written to the body.
    /// </summary>
    internal bool MatchesMoreDimensions { get; init; }

    /// <summary>A metric line.</summary>
    public static MetricLine Of(string ns, string metricName, params MetricDimension[] dimensions)
        => new() { Namespace = ns, MetricName = metricName, Dimensions = dimensions };

    internal void Write(Utf8JsonWriter json)
    {
        json.WriteStartArray();
        if (Expression is null)
        {
            json.WriteStringValue(Namespace);
            json.WriteStringValue(MetricName);
            foreach (var d in Dimensions)
            {
                json.WriteStringValue(d.Name);
                json.WriteStringValue(d.Value);
            }
        }

        var hasOptions = Expression is not null || Stat is not null || Label is not null || Id is not null || RightAxis || Hidden;
        if (hasOptions)
        {
            json.WriteStartObject();
            if (Expression is not null)
            {
                json.WriteString("expression", Expression);
            }

            if (Stat is not null)
            {
                json.WriteString("stat", Stat);
            }

            if (Label is not null)
            {
                json.WriteString("label", Label);
            }

            if (Id is not null)
            {
                json.WriteString("id", Id);
            }

            if (RightAxis)
            {
                json.WriteString("yAxis", "right");
            }

            if (Hidden)
            {
                json.WriteBoolean("visible", false);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}

/// <summary>A horizontal line on a graph: a threshold, a budget.</summary>
public sealed record HorizontalAnnotation(string Label, double Value, string? Color = null);

/// <summary>Bounds of the left axis.</summary>
public sealed record AxisRange(double? Min = null, double? Max = null, string? Label = null);

/// <summary>A graph of metrics.</summary>
public sealed record MetricWidget(WidgetLayout Layout, string Title, IReadOnlyList<MetricLine> Lines, int Period, string Stat, string Region) : Widget(Layout)
{
    /// <summary>timeSeries (default) or singleValue.</summary>
    public string View { get; init; } = "timeSeries";

    /// <summary>Left axis bounds.</summary>
    public AxisRange? LeftAxis { get; init; }

    /// <summary>Horizontal annotations (thresholds, budget line).</summary>
    public IReadOnlyList<HorizontalAnnotation> Annotations { get; init; } = [];

    internal override void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        WriteFrame(json, "metric");
        json.WriteStartObject("properties");
        json.WriteStartArray("metrics");
        foreach (var line in Lines)
        {
            line.Write(json);
        }

        json.WriteEndArray();
        json.WriteString("view", View);
        json.WriteBoolean("stacked", false);
        json.WriteNumber("period", Period);
        json.WriteString("stat", Stat);
        json.WriteString("region", Region);
        json.WriteString("title", Title);
        if (LeftAxis is { } axis)
        {
            json.WriteStartObject("yAxis");
            json.WriteStartObject("left");
            if (axis.Min is { } min)
            {
                json.WriteNumber("min", min);
            }

            if (axis.Max is { } max)
            {
                json.WriteNumber("max", max);
            }

            if (axis.Label is not null)
            {
                json.WriteString("label", axis.Label);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        if (Annotations.Count > 0)
        {
            json.WriteStartObject("annotations");
            json.WriteStartArray("horizontal");
            foreach (var a in Annotations)
            {
                json.WriteStartObject();
                json.WriteString("label", a.Label);
                json.WriteNumber("value", a.Value);
                if (a.Color is not null)
                {
                    json.WriteString("color", a.Color);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}

/// <summary>The state of a set of alarms.</summary>
public sealed record AlarmStatusWidget(WidgetLayout Layout, string Title, IReadOnlyList<string> AlarmArns) : Widget(Layout)
{
    internal override void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        WriteFrame(json, "alarm");
        json.WriteStartObject("properties");
        json.WriteString("title", Title);
        json.WriteStartArray("alarms");
        foreach (var arn in AlarmArns)
        {
            json.WriteStringValue(arn);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }
}

/// <summary>Markdown text.</summary>
public sealed record TextWidget(WidgetLayout Layout, string Markdown) : Widget(Layout)
{
    internal override void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        WriteFrame(json, "text");
        json.WriteStartObject("properties");
        json.WriteString("markdown", Markdown);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
