using System.Text;

namespace NbaSim.Observability.MonitoringAsCode;

/// <summary>
/// PromQL for the series the OTLP exporter sends, as CloudWatch flattens them ("PromQL querying"): the metric name
/// quoted inside the braces, the namespace as the scope's name (<c>@instrumentation.@name</c>), dimensions as bare point
/// labels. Names and values are quoted (Prometheus 3's UTF-8 syntax), with <c>\</c>, <c>"</c> and line breaks escaped,
/// so no dimension value can change the query.
/// </summary>
internal static class PromQLQuery
{
    /// <summary>The label CloudWatch gives the instrumentation scope's name.</summary>
    public const string ScopeLabel = "@instrumentation.@name";

    /// <summary><c>{"metric", "@instrumentation.@name"="ns", "Dim"="value", …}</c>.</summary>
    public static string Selector(string ns, string metric, params ReadOnlySpan<MetricDimension> dimensions)
    {
        var builder = new StringBuilder("{");
        Quote(builder, metric);
        builder.Append(", ");
        Quote(builder, ScopeLabel);
        builder.Append('=');
        Quote(builder, ns);
        foreach (var d in dimensions)
        {
            builder.Append(", ");
            Quote(builder, d.Name);
            builder.Append('=');
            Quote(builder, d.Value);
        }

        return builder.Append('}').ToString();
    }

    /// <summary>
    /// An upper anomaly band in PromQL (CloudWatch's "PromQL for anomaly detection"): the series is breaching when it is
    /// above the median of the last day plus <paramref name="deviations"/> standard deviations, the window ending one
    /// step ago so the value does not judge itself. <paramref name="expression"/> is evaluated as a subquery every
    /// <paramref name="step"/>.
    /// </summary>
    public static string AboveBand(string expression, double deviations, string window = "1d", string step = "5m")
    {
        var d = deviations.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return $"1 * ({expression}) > quantile_over_time(0.5, ({expression})[{window}:{step}] offset {step}) + {d} * stddev_over_time(({expression})[{window}:{step}] offset {step})";
    }

    /// <summary>A range or step as PromQL writes it, in the largest whole unit: 300 s → <c>5m</c>, 86400 s → <c>1d</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        var seconds = (long)span.TotalSeconds;
        if (seconds < 1 || span.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(span), span, "A PromQL range is a whole number of seconds, at least 1.");
        }

        return seconds % 86400 == 0 ? $"{seconds / 86400}d"
            : seconds % 3600 == 0 ? $"{seconds / 3600}h"
            : seconds % 60 == 0 ? $"{seconds / 60}m"
            : $"{seconds}s";
    }

    private static void Quote(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }
}
