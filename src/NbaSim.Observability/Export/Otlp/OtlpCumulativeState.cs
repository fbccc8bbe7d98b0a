namespace NbaSim.Observability.Export.Otlp;

/// <summary>
/// Every series the OTLP exporter has seen, each with its cumulative state. Datums are absorbed once (a datum handed
/// back after a failed request is not counted again: the point sent next already holds it); the caller holds the lock.
/// </summary>
internal sealed class OtlpCumulativeState
{
    private const long NanosPerTick = 100;
    private readonly Dictionary<SeriesIdentity, OtlpSeries> _series = new(SeriesIdentityComparer.Instance);
    private readonly Dictionary<(string Ns, string Name, OtlpPointKind Kind), OtlpMetric> _metrics = [];

    /// <summary>Series known (for diagnostics and tests).</summary>
    public int SeriesCount => _series.Count;

    /// <summary>The kind a datum becomes: its series' kind, else by its shape (a value is a gauge, anything else a histogram).</summary>
    public static OtlpPointKind KindOf(MetricDatum datum) => datum.Kind switch
    {
        MetricKind.Counter => OtlpPointKind.Sum,
        MetricKind.Gauge => OtlpPointKind.Gauge,
        MetricKind.Distribution => OtlpPointKind.Histogram,
        _ => datum.Value is not null ? OtlpPointKind.Gauge : OtlpPointKind.Histogram,
    };

    /// <summary>
    /// The series of <paramref name="datum"/>, created on first sight. A datum without its series' kind (the caller's,
    /// or read from an older spool file) takes the kind of the series it belongs to; a series whose kind was only
    /// guessed is replaced by the first datum that knows it (a counter stays a monotonic Sum).
    /// </summary>
    public OtlpSeries SeriesOf(MetricDatum datum)
    {
        var identity = new SeriesIdentity(datum.Namespace, datum.MetricName, datum.RawDimensions);
        if (_series.TryGetValue(identity, out var series))
        {
            if (datum.Kind is null || !series.KindGuessed || KindOf(datum) == series.Metric.Kind)
            {
                return series;
            }

            _series.Remove(identity);
        }

        var kind = KindOf(datum);
        if (!_metrics.TryGetValue((datum.Namespace, datum.MetricName, kind), out var metric))
        {
            metric = new OtlpMetric(datum.Namespace, datum.MetricName, OtlpUnits.Of(datum.Unit), kind);
            _metrics.Add((datum.Namespace, datum.MetricName, kind), metric);
        }

        series = new OtlpSeries(metric, [.. datum.RawDimensions], kindGuessed: datum.Kind is null);
        _series.Add(new SeriesIdentity(datum.Namespace, datum.MetricName, series.Dimensions), series);
        return series;
    }

    /// <summary>
    /// Adds <paramref name="datum"/> to its series and returns the series. Every call adds (the same instance twice
    /// counts twice, as on Classic); a retry does not double-count because the exporter rolls back what it did not deliver.
    /// </summary>
    public OtlpSeries Absorb(MetricDatum datum, DateTimeOffset now)
    {
        var series = SeriesOf(datum);

        var start = ToNanos(datum.Timestamp);
        var end = ToNanos(datum.Timestamp.AddSeconds(datum.StorageResolution));
        var nowNanos = ToNanos(now);
        if (series.StartNanos == 0 || start < series.StartNanos)
        {
            series.StartNanos = start;
        }

        // The point's time is the end of the newest period absorbed (never after now: a period still open at a flush);
        // a late datum that does not move it still moves it by 1 ms, so a changed value never shares a timestamp.
        var time = Math.Min(end, nowNanos);
        series.TimeNanos = time > series.TimeNanos ? time : series.TimeNanos + 1_000_000;
        if (series.TimeNanos <= series.StartNanos)
        {
            series.TimeNanos = series.StartNanos + 1_000_000;
        }

        switch (series.Metric.Kind)
        {
            case OtlpPointKind.Sum:
                var delta = datum.Value ?? datum.StatisticValues?.Sum ?? Total(datum);
                if (delta < 0)
                {
                    series.WentDown = true;
                }

                series.Value += delta;
                break;
            case OtlpPointKind.Gauge:
                if (datum.Timestamp.UtcTicks >= series.ValueTicks)
                {
                    series.ValueTicks = datum.Timestamp.UtcTicks;
                    series.Value = datum.Value ?? (datum.StatisticValues is { } s ? s.Sum / s.SampleCount : Mean(datum));
                }

                break;
            default:
                AbsorbHistogram(series, datum);
                break;
        }

        return series;
    }

    public static ulong ToNanos(DateTimeOffset time) => (ulong)(time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * NanosPerTick;

    private static void AbsorbHistogram(OtlpSeries series, MetricDatum datum)
    {
        var values = datum.RawValues;
        var counts = datum.RawCounts;
        if (datum.Value is { } single && values is null)
        {
            series.Count++;
            series.Sum += single;
            series.Min = Math.Min(series.Min, single);
            series.Max = Math.Max(series.Max, single);
            series.AddToBuckets(single, 1);
            return;
        }

        // The exact count and sum (the statistic set's, or the values' with their counts, fractional counts included),
        // rounded once: the buckets take whole counts that add up to exactly that count.
        double weights = 0;
        double weighted = 0;
        double low = double.PositiveInfinity;
        double high = double.NegativeInfinity;
        for (var i = 0; i < (values?.Length ?? 0); i++)
        {
            var c = counts?[i] ?? 1;
            weights += c;
            weighted += values![i] * c;
            if (c > 0)
            {
                low = Math.Min(low, values[i]);
                high = Math.Max(high, values[i]);
            }
        }

        var stats = datum.StatisticValues;
        var exactCount = stats?.SampleCount ?? weights;
        var total = (long)Math.Round(exactCount);
        series.Count += total;
        series.Sum += stats?.Sum ?? weighted;
        series.Min = Math.Min(series.Min, stats?.Minimum ?? low);
        series.Max = Math.Max(series.Max, stats?.Maximum ?? high);
        if (values is null || weights <= 0)
        {
            // A statistic set without values (built by the caller): its samples go to the bucket of their mean.
            series.AddToBuckets(stats is { } s ? s.Sum / s.SampleCount : 0, total);
            return;
        }

        // A distribution of ours carries the representatives of its recording histogram's buckets: each stands for
        // samples anywhere in its bucket, so they are spread over the exponential buckets it overlaps (within the
        // period's extremes). A caller's values are exact values: each goes to its own bucket.
        var spread = datum.Kind == MetricKind.Distribution && stats is not null;
        double cumulative = 0;
        long placed = 0;
        for (var i = 0; i < values.Length; i++)
        {
            cumulative += counts?[i] ?? 1;
            var part = (long)Math.Round(cumulative / weights * total) - placed;
            if (part <= 0)
            {
                continue;
            }

            placed += part;
            if (spread)
            {
                var (lower, upper) = Aggregation.LogLinearHistogram.BoundsOf(values[i]);
                series.AddSpread(Math.Max(lower, stats!.Value.Minimum), Math.Min(upper, stats.Value.Maximum), values[i], part);
            }
            else
            {
                series.AddToBuckets(values[i], part);
            }
        }
    }

    private static double Total(MetricDatum datum)
    {
        var total = 0d;
        if (datum.RawValues is { } values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                total += values[i] * (datum.RawCounts?[i] ?? 1);
            }
        }

        return total;
    }

    private static double Mean(MetricDatum datum)
    {
        var count = 0d;
        if (datum.RawValues is { } values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                count += datum.RawCounts?[i] ?? 1;
            }
        }

        return count == 0 ? 0 : Total(datum) / count;
    }

    private readonly record struct SeriesIdentity(string Ns, string Name, MetricDimension[] Dimensions);

    /// <summary>Namespace, name and dimensions, in any order (CloudWatch's identity of a metric).</summary>
    private sealed class SeriesIdentityComparer : IEqualityComparer<SeriesIdentity>
    {
        public static readonly SeriesIdentityComparer Instance = new();

        public bool Equals(SeriesIdentity x, SeriesIdentity y)
        {
            if (!string.Equals(x.Ns, y.Ns, StringComparison.Ordinal) || !string.Equals(x.Name, y.Name, StringComparison.Ordinal) || x.Dimensions.Length != y.Dimensions.Length)
            {
                return false;
            }

            if (ReferenceEquals(x.Dimensions, y.Dimensions))
            {
                return true;
            }

            foreach (var d in x.Dimensions)
            {
                if (Array.IndexOf(y.Dimensions, d) < 0)
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(SeriesIdentity obj)
        {
            var hash = HashCode.Combine(obj.Ns, obj.Name);
            var dims = 0;
            foreach (var d in obj.Dimensions)
            {
                dims += d.GetHashCode(); // order does not matter
            }

            return HashCode.Combine(hash, dims);
        }
    }
}
