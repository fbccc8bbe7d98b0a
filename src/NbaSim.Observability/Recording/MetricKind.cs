namespace NbaSim.Observability;

/// <summary>How a series aggregates the samples of one period.</summary>
public enum MetricKind
{
    /// <summary>Sums increments; published as an exact statistic set (Sum is the total).</summary>
    Counter,
    /// <summary>Keeps the last value; published as a single value.</summary>
    Gauge,
    /// <summary>Keeps exact SampleCount/Sum/Minimum/Maximum and a Values/Counts distribution for percentiles.</summary>
    Distribution,
}

/// <summary>Per-series settings chosen when the series is created.</summary>
/// <param name="HighResolution">Aggregate per second and publish with StorageResolution 1 (default: 60-second periods).</param>
/// <param name="PublishZeroWhenIdle">For counters: publish 0 for a period with no samples, so alarms always see data.</param>
public readonly record struct SeriesOptions(bool HighResolution = false, bool PublishZeroWhenIdle = false)
{
    /// <summary>
    /// Dimension names to leave out of a second, aggregate metric (a rollup) published alongside this series: with
    /// <c>["Status"]</c>, <c>DataExtractionDuration{Status=success}</c> and <c>{Status=failure}</c> also add up into
    /// <c>DataExtractionDuration</c> with no dimensions, exactly (counts, sums, extremes and percentile values merged).
    /// Counters and distributions only; each distinct rollup is one more custom metric on the bill. Default none.
    /// </summary>
    public IReadOnlyList<string>? RollupWithout { get; init; }
}
