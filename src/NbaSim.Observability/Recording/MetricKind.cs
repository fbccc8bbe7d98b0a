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
public readonly record struct SeriesOptions(bool HighResolution = false, bool PublishZeroWhenIdle = false);
