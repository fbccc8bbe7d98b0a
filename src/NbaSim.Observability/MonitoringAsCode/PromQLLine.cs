using System.Globalization;
using NbaSim.Observability.MonitoringAsCode;

namespace NbaSim.Observability;

/// <summary>
/// One query of a <see cref="PromQLWidget"/>. The factories write the query for the OTLP exporter's series (a counter
/// is a cumulative sum, a gauge a gauge, a distribution a native histogram; see <c>docs/api.md</c>) and remember what
/// it means in CloudWatch statistics, so the local preview draws the same line from recorded data.
/// </summary>
public sealed record PromQLLine
{
    /// <summary>The PromQL expression.</summary>
    public required string Query { get; init; }

    /// <summary>Legend label, or null for CloudWatch's own.</summary>
    public string? Label { get; init; }

    /// <summary>The same line in Classic terms (metric, dimensions, statistic) for the preview; null when it has none.</summary>
    internal MetricLine? Meaning { get; init; }

    /// <summary>The value of a constant line (<see cref="Threshold"/>).</summary>
    internal double? Constant { get; init; }

    /// <summary>A gauge's average over each <paramref name="window"/>, averaged over its other labels: <c>avg(avg_over_time(…[window]))</c>.</summary>
    public static PromQLLine GaugeAverage(string ns, string metricName, TimeSpan window, string? label = null, params MetricDimension[] dimensions)
        => Of($"avg(avg_over_time({PromQLQuery.Selector(ns, metricName, dimensions)}[{PromQLQuery.Duration(window)}]))", ns, metricName, dimensions, "Average", label);

    /// <summary>
    /// A gauge's maximum over each <paramref name="window"/>, the largest of its other labels (so a total published
    /// beside per-service parts, as <c>MonthlyAWSCost</c> is, shows the total): <c>max(max_over_time(…[window]))</c>.
    /// </summary>
    public static PromQLLine GaugeMaximum(string ns, string metricName, TimeSpan window, string? label = null, params MetricDimension[] dimensions)
        => Of($"max(max_over_time({PromQLQuery.Selector(ns, metricName, dimensions)}[{PromQLQuery.Duration(window)}]))", ns, metricName, dimensions, "Maximum", label);

    /// <summary>A counter's increase per <paramref name="window"/>, summed over its other labels (the Classic <c>Sum</c> of a period).</summary>
    public static PromQLLine CounterIncrease(string ns, string metricName, TimeSpan window, string? label = null, params MetricDimension[] dimensions)
        => Of($"sum(increase({PromQLQuery.Selector(ns, metricName, dimensions)}[{PromQLQuery.Duration(window)}]))", ns, metricName, dimensions, "Sum", label);

    /// <summary>A distribution's <paramref name="quantile"/> (0.95 for p95) over each <paramref name="window"/>: <c>histogram_quantile</c>.</summary>
    public static PromQLLine Quantile(double quantile, string ns, string metricName, TimeSpan window, string? label = null, params MetricDimension[] dimensions)
    {
        if (!(quantile > 0 && quantile < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "A quantile is between 0 and 1 (exclusive), e.g. 0.95 for p95.");
        }

        var q = quantile.ToString("R", CultureInfo.InvariantCulture);
        var stat = "p" + Math.Round(quantile * 100, 9).ToString("R", CultureInfo.InvariantCulture);
        return Of($"histogram_quantile({q}, sum(rate({PromQLQuery.Selector(ns, metricName, dimensions)}[{PromQLQuery.Duration(window)}])))", ns, metricName, dimensions, stat, label);
    }

    /// <summary>A distribution's number of samples per <paramref name="window"/> (the Classic <c>SampleCount</c>): <c>histogram_count</c>.</summary>
    public static PromQLLine HistogramCount(string ns, string metricName, TimeSpan window, string? label = null, params MetricDimension[] dimensions)
        => Of($"histogram_count(sum(increase({PromQLQuery.Selector(ns, metricName, dimensions)}[{PromQLQuery.Duration(window)}])))", ns, metricName, dimensions, "SampleCount", label);

    /// <summary>A distribution's mean over each <paramref name="window"/> (the Classic <c>Average</c>): <c>histogram_avg</c>.</summary>
    public static PromQLLine HistogramAverage(string ns, string metricName, TimeSpan window, string? label = null, params MetricDimension[] dimensions)
        => Of($"histogram_avg(sum(increase({PromQLQuery.Selector(ns, metricName, dimensions)}[{PromQLQuery.Duration(window)}])))", ns, metricName, dimensions, "Average", label);

    /// <summary>A horizontal line at <paramref name="value"/> (an alarm's threshold, a budget): <c>vector(value)</c>.</summary>
    public static PromQLLine Threshold(double value, string label)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A threshold is a finite number.");
        }

        return new() { Query = $"vector({value.ToString("R", CultureInfo.InvariantCulture)})", Label = label, Constant = value };
    }

    private static PromQLLine Of(string query, string ns, string metricName, MetricDimension[] dimensions, string stat, string? label)
        => new() { Query = query, Label = label, Meaning = MetricLine.Of(ns, metricName, dimensions) with { Stat = stat, Label = label, MatchesMoreDimensions = true } };
}
