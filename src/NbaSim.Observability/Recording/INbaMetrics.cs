namespace NbaSim.Observability;

/// <summary>
/// Creates (or returns the existing) metric series. Resolve a series once, keep the handle, and call
/// <see cref="MetricSeries.Record(double)"/> on the hot path. Asking again with the same identity returns the same handle
/// (a dictionary lookup: fine for cold paths).
/// </summary>
public interface INbaMetrics
{
    /// <summary>A counter series.</summary>
    /// <exception cref="MetricValidationException">A name, dimension or unit breaks a CloudWatch rule.</exception>
    /// <exception cref="InvalidOperationException">The identity is already registered with another kind or unit.</exception>
    CounterSeries Counter(string ns, string metricName, MetricUnit unit, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions);

    /// <summary>A gauge series (last value per period).</summary>
    /// <exception cref="MetricValidationException">A name, dimension or unit breaks a CloudWatch rule.</exception>
    /// <exception cref="InvalidOperationException">The identity is already registered with another kind or unit.</exception>
    GaugeSeries Gauge(string ns, string metricName, MetricUnit unit, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions);

    /// <summary>A gauge sampled from <paramref name="observe"/> at the end of each period. Disposing the result stops it.</summary>
    /// <exception cref="MetricValidationException">A name, dimension or unit breaks a CloudWatch rule.</exception>
    IDisposable ObservableGauge(string ns, string metricName, MetricUnit unit, Func<double> observe, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions);

    /// <summary>A gauge sampled from <paramref name="observe"/> at the end of each period; a null answer publishes nothing for that period.</summary>
    /// <exception cref="MetricValidationException">A name, dimension or unit breaks a CloudWatch rule.</exception>
    IDisposable ObservableGauge(string ns, string metricName, MetricUnit unit, Func<double?> observe, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions);

    /// <summary>A distribution series (statistic set plus percentiles).</summary>
    /// <exception cref="MetricValidationException">A name, dimension or unit breaks a CloudWatch rule.</exception>
    /// <exception cref="InvalidOperationException">The identity is already registered with another kind or unit.</exception>
    DistributionSeries Distribution(string ns, string metricName, MetricUnit unit, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions);

    /// <summary>Queues a datum built elsewhere (e.g. an inventory count) for the next flush, unaggregated.</summary>
    /// <returns><see langword="false"/> when the buffer is full; the datum is then counted as dropped and logged.</returns>
    bool Enqueue(MetricDatum datum);

    /// <summary>Live counts and the estimated monthly CloudWatch cost of what this process publishes.</summary>
    ObservabilityDiagnostics GetDiagnostics();
}

/// <summary>Shorthands for <see cref="INbaMetrics"/> with default <see cref="SeriesOptions"/>.</summary>
public static class NbaMetricsExtensions
{
    /// <summary>A standard-resolution counter.</summary>
    public static CounterSeries Counter(this INbaMetrics metrics, string ns, string metricName, MetricUnit unit = MetricUnit.Count, params ReadOnlySpan<MetricDimension> dimensions)
        => metrics.Counter(ns, metricName, unit, default, dimensions);

    /// <summary>A standard-resolution gauge.</summary>
    public static GaugeSeries Gauge(this INbaMetrics metrics, string ns, string metricName, MetricUnit unit = MetricUnit.None, params ReadOnlySpan<MetricDimension> dimensions)
        => metrics.Gauge(ns, metricName, unit, default, dimensions);

    /// <summary>A standard-resolution distribution.</summary>
    public static DistributionSeries Distribution(this INbaMetrics metrics, string ns, string metricName, MetricUnit unit = MetricUnit.None, params ReadOnlySpan<MetricDimension> dimensions)
        => metrics.Distribution(ns, metricName, unit, default, dimensions);

    // C# 12 (net8.0's default language version) does not read `params ReadOnlySpan<T>`: it sees a required span. These
    // overloads let such a consumer leave the dimensions out. C# 13 and later prefer them (normal form) when no
    // dimension is given, and the instance methods when options are given, so they change nothing there.

    /// <summary>A standard-resolution counter without dimensions.</summary>
    public static CounterSeries Counter(this INbaMetrics metrics, string ns, string metricName, MetricUnit unit = MetricUnit.Count)
        => NotNull(metrics).Counter(ns, metricName, unit, default, []);

    /// <summary>A counter without dimensions.</summary>
    public static CounterSeries Counter(this INbaMetrics metrics, string ns, string metricName, MetricUnit unit, SeriesOptions options)
        => NotNull(metrics).Counter(ns, metricName, unit, options, []);

    /// <summary>A standard-resolution gauge without dimensions.</summary>
    public static GaugeSeries Gauge(this INbaMetrics metrics, string ns, string metricName, MetricUnit unit = MetricUnit.None)
        => NotNull(metrics).Gauge(ns, metricName, unit, default, []);

    /// <summary>A gauge without dimensions.</summary>
    public static GaugeSeries Gauge(this INbaMetrics metrics, string ns, string metricName, MetricUnit unit, SeriesOptions options)
        => NotNull(metrics).Gauge(ns, metricName, unit, options, []);

    /// <summary>A standard-resolution distribution without dimensions.</summary>
    public static DistributionSeries Distribution(this INbaMetrics metrics, string ns, string metricName, MetricUnit unit = MetricUnit.None)
        => NotNull(metrics).Distribution(ns, metricName, unit, default, []);

    /// <summary>A distribution without dimensions.</summary>
    public static DistributionSeries Distribution(this INbaMetrics metrics, string ns, string metricName, MetricUnit unit, SeriesOptions options)
        => NotNull(metrics).Distribution(ns, metricName, unit, options, []);

    /// <summary>An observable gauge without dimensions.</summary>
    public static IDisposable ObservableGauge(this INbaMetrics metrics, string ns, string metricName, MetricUnit unit, Func<double> observe, SeriesOptions options = default)
        => NotNull(metrics).ObservableGauge(ns, metricName, unit, observe, options, []);

    /// <summary>An observable gauge without dimensions; a null answer publishes nothing for that period.</summary>
    public static IDisposable ObservableGauge(this INbaMetrics metrics, string ns, string metricName, MetricUnit unit, Func<double?> observe, SeriesOptions options = default)
        => NotNull(metrics).ObservableGauge(ns, metricName, unit, observe, options, []);

    private static INbaMetrics NotNull(INbaMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics;
    }

    /// <summary>The former name of <see cref="INbaMetrics.Enqueue(MetricDatum)"/>.</summary>
    [Obsolete("Renamed to INbaMetrics.Enqueue: 'publish' is the typed publishers' word.")]
    public static bool Publish(this INbaMetrics metrics, MetricDatum datum)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics.Enqueue(datum);
    }
}
