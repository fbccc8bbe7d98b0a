using System.Text.Json;

namespace NbaSim.Observability;

/// <summary>
/// A graph of PromQL queries over CloudWatch's OpenTelemetry metrics: the dashboard widget of type <c>chart</c> that
/// CloudWatch's Query Studio adds, each query in <c>properties.data.queries</c> with <c>"language": "PromQL"</c>.
/// </summary>
/// <remarks>
/// The classic <c>metric</c> widget refuses PromQL queries (PutDashboard answers 400, "Should have required property
/// 'metrics'"). Only the properties AWS's own dashboard samples use are written: <c>title</c>, <c>view</c>,
/// <c>region</c>, <c>data.queries</c>, and <c>plotOptions</c> with a legend, a datetime x axis, one linear y axis and a
/// complete <c>lineOptions</c>. Thresholds are drawn as constant queries (<see cref="PromQLLine.Threshold"/>).
/// </remarks>
public sealed record PromQLWidget(WidgetLayout Layout, string Title, IReadOnlyList<PromQLLine> Lines, string Region) : Widget(Layout)
{
    /// <summary>Most queries in one widget: what a graph can show legibly, and far below a dashboard body's 1 MB.</summary>
    public const int MaxQueries = 50;

    /// <summary><c>line</c> (default), <c>number</c> or <c>pie</c>.</summary>
    public string View { get; init; } = "line";

    /// <summary>Seconds between the points the queries are evaluated at; default 60.</summary>
    public int Step { get; init; } = 60;

    /// <summary>Title of the y axis (its unit), or null.</summary>
    public string? AxisTitle { get; init; }

    internal override void Write(Utf8JsonWriter json)
    {
        if (Lines.Count is 0 or > MaxQueries)
        {
            throw new InvalidOperationException($"PromQL widget '{Title}' has {Lines.Count} queries; it needs 1 to {MaxQueries}.");
        }

        if (View is not ("line" or "number" or "pie"))
        {
            throw new InvalidOperationException($"PromQL widget '{Title}': View '{View}' is not one of line, number, pie.");
        }

        if (Step is < 1 or > 86400)
        {
            throw new InvalidOperationException($"PromQL widget '{Title}': Step {Step} s is outside 1 to 86400.");
        }

        json.WriteStartObject();
        WriteFrame(json, "chart");
        json.WriteStartObject("properties");
        json.WriteString("title", Title);
        json.WriteString("view", View);
        json.WriteString("region", Region);
        json.WriteStartObject("data");
        json.WriteStartArray("queries");
        for (var i = 0; i < Lines.Count; i++)
        {
            var line = Lines[i];
            json.WriteStartObject();
            json.WriteString("id", $"q{i + 1}");
            json.WriteString("type", "cloudwatch-metrics");
            json.WriteString("language", "PromQL");
            json.WriteString("query", line.Query);
            json.WriteNumber("step", Step);
            if (line.Label is not null)
            {
                json.WriteString("label", line.Label);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartObject("plotOptions");
        json.WriteStartObject("legend");
        json.WriteString("position", "bottom");
        json.WriteBoolean("show", true);
        json.WriteEndObject();
        json.WriteStartObject("xAxis");
        json.WriteString("type", "datetime");
        json.WriteEndObject();
        json.WriteStartArray("yAxis");
        json.WriteStartObject();
        json.WriteString("type", "linear");
        if (AxisTitle is not null)
        {
            json.WriteString("title", AxisTitle);
        }

        json.WriteEndObject();
        json.WriteEndArray();

        // Every lineOptions field: the console's schema refuses a partial one.
        json.WriteStartObject("style");
        json.WriteStartObject("lineOptions");
        json.WriteBoolean("filled", false);
        json.WriteBoolean("stacked", false);
        json.WriteNumber("width", 2);
        json.WriteString("pattern", "solid");
        json.WriteBoolean("spline", false);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
