using System.Collections.Concurrent;
using System.Globalization;

namespace NbaSim.Observability.Meters;

/// <summary>How an instrument's measurements become a series.</summary>
internal enum BridgeKind
{
    /// <summary>Counter: measurements are increments, summed per period.</summary>
    Sum,

    /// <summary>Observable counter: measurements are running totals; their increase is summed.</summary>
    CumulativeSum,

    /// <summary>Up-down counter: increments of a value published at the period's end.</summary>
    RunningValue,

    /// <summary>Gauge, observable gauge, observable up-down counter: the value at the period's end.</summary>
    LastValue,

    /// <summary>Histogram: a distribution.</summary>
    Distribution,
}

/// <summary>
/// One bridged instrument: finds the series of a measurement's kept tag values (up to three without allocating once
/// the series exists) and records into it. A series the registry refuses (a tag value CloudWatch would reject, the
/// cardinality limit) is remembered as refused, its measurements counted (<c>SamplesRejected</c>) and logged once.
/// </summary>
/// <remarks>
/// Memory is bounded by the registry's <see cref="NbaObservabilityOptions.MaxSeriesPerNamespace"/>: past that many tag
/// combinations (refused ones included) a new combination is not remembered; its measurements go to the metric's
/// <c>Overflow=true</c> series, as the registry's own past its limit, or, for a gauge, are counted as refused.
/// </remarks>
internal sealed class InstrumentBinding(MetricRegistry registry, string ns, string metricName, MetricUnit unit, BridgeKind kind, string[] keptKeys, Action<string, string> refused)
{
    private static readonly string[] SmallIntegers = [.. Enumerable.Range(0, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture))];
    private readonly ConcurrentDictionary<TagValues, Entry?> _series = new(TagValuesComparer.Instance);
    private Entry? _untagged; // no kept tags: one series, no lookup
    private KeyValuePair<TagValues, Entry?>[] _first = []; // the first few series, scanned before the dictionary
    private Entry? _overflow; // where new combinations go once the bound is reached
    private int _entries;
    private long _refusedMeasurements;

    public string MetricName => metricName;

    /// <summary>Tag combinations remembered (at most the registry's MaxSeriesPerNamespace, plus one per racing thread).</summary>
    public int Entries => Volatile.Read(ref _entries);

    /// <summary>Measurements that had no series to go to (their series was refused).</summary>
    public long RefusedMeasurements => Volatile.Read(ref _refusedMeasurements);

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (keptKeys.Length == 0)
        {
            var single = Volatile.Read(ref _untagged) ?? InitializeUntagged();
            if (single is not null)
            {
                single.Record(value, kind);
                return;
            }
        }

        var key = default(TagValues);
        for (var i = 0; i < keptKeys.Length; i++)
        {
            key = key.With(i, Find(keptKeys[i], tags));
        }

        // Most instruments have a handful of tag combinations: a short scan (references compare first) beats hashing.
        Entry? entry = null;
        var found = false;
        var first = Volatile.Read(ref _first);
        for (var i = 0; i < first.Length; i++)
        {
            if (TagValuesComparer.Instance.Equals(first[i].Key, key))
            {
                entry = first[i].Value;
                found = true;
                break;
            }
        }

        if (!found && !_series.TryGetValue(key, out entry))
        {
            entry = Volatile.Read(ref _entries) < registry.MaxSeriesPerNamespace ? Add(key) : Volatile.Read(ref _overflow) ?? InitializeOverflow();
        }

        if (entry is null)
        {
            Interlocked.Increment(ref _refusedMeasurements);
            registry.Statistics.RefuseSamples(1);
            return;
        }

        entry.Record(value, kind);
    }

    private const int FirstSeries = 8;

    /// <summary>Copies the first few series into the scanned array (copy-on-write: readers never lock).</summary>
    private void Remember(TagValues key, Entry? entry)
    {
        lock (_series)
        {
            var first = _first;
            if (first.Length < FirstSeries && !first.Any(p => TagValuesComparer.Instance.Equals(p.Key, key)))
            {
                Volatile.Write(ref _first, [.. first, new(key, entry)]);
            }
        }
    }

    private Entry? Add(TagValues key)
    {
        var created = Create(key);
        if (_series.TryAdd(key, created))
        {
            Interlocked.Increment(ref _entries);
            Remember(key, created);
            return created;
        }

        return _series[key]; // another thread added it first (the registry gave both the same series)
    }

    private Entry? InitializeOverflow()
    {
        if (kind == BridgeKind.CumulativeSum)
        {
            // Running totals of different combinations in one series would make their increases meaningless: refused.
            refused(metricName, $"more than {registry.MaxSeriesPerNamespace} tag combinations (MaxSeriesPerNamespace); measurements of new ones are counted as refused");
            return null;
        }

        MetricSeries? series;
        try
        {
            series = registry.OverflowSeries(kind is BridgeKind.Sum or BridgeKind.CumulativeSum ? MetricKind.Counter : kind == BridgeKind.Distribution ? MetricKind.Distribution : MetricKind.Gauge, ns, metricName, unit);
        }
        catch (Exception ex) when (ex is MetricValidationException or InvalidOperationException)
        {
            refused(metricName, ex.Message);
            series = null;
        }

        if (series is null)
        {
            return null;
        }

        refused(metricName, $"more than {registry.MaxSeriesPerNamespace} tag combinations (MaxSeriesPerNamespace); new ones go to the Overflow=true series");
        var entry = new Entry(series);
        return Interlocked.CompareExchange(ref _overflow, entry, null) ?? entry;
    }

    private Entry? InitializeUntagged()
    {
        var entry = _series.GetOrAdd(default, Create);
        Volatile.Write(ref _untagged, entry);
        return entry;
    }

    private static string? Find(string key, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (string.Equals(tag.Key, key, StringComparison.Ordinal))
            {
                return tag.Value switch
                {
                    null => null,
                    string s => s,
                    int n when n is >= 0 and < 1000 => SmallIntegers[n],
                    long n when n is >= 0 and < 1000 => SmallIntegers[n],
                    bool b => b ? "true" : "false",
                    var other => Convert.ToString(other, CultureInfo.InvariantCulture), // allocates: not a string tag
                };
            }
        }

        return null;
    }

    private Entry? Create(TagValues key)
    {
        var dimensions = new List<MetricDimension>(keptKeys.Length);
        for (var i = 0; i < keptKeys.Length; i++)
        {
            if (key.At(i) is { } value)
            {
                dimensions.Add(new MetricDimension(keptKeys[i], value)); // a tag the measurement lacks is left out
            }
        }

        try
        {
            MetricSeries series = kind switch
            {
                BridgeKind.Sum or BridgeKind.CumulativeSum => registry.Counter(ns, metricName, unit, default, [.. dimensions]),
                BridgeKind.Distribution => registry.Distribution(ns, metricName, unit, default, [.. dimensions]),
                _ => registry.Gauge(ns, metricName, unit, default, [.. dimensions]),
            };
            return new Entry(series);
        }
        catch (Exception ex) when (ex is MetricValidationException or InvalidOperationException)
        {
            refused(metricName, ex.Message);
            return null;
        }
    }

    /// <summary>A series and, for running values and cumulative sums, the value so far.</summary>
    private sealed class Entry(MetricSeries series)
    {
        private double _lastCumulative = double.NaN;

        public void Record(double value, BridgeKind kind)
        {
            switch (kind)
            {
                case BridgeKind.RunningValue when series is GaugeSeries gauge:
                    // One atomic step on the gauge's own value: two threads cannot publish a stale total.
                    gauge.Add(value);
                    break;
                case BridgeKind.CumulativeSum:
                    // Observable counters report totals from one thread (the collector): the increase is what happened.
                    var last = _lastCumulative;
                    _lastCumulative = value;
                    series.Record(double.IsNaN(last) || value < last ? value : value - last);
                    break;
                default:
                    series.Record(value);
                    break;
            }
        }
    }

    /// <summary>
    /// Equality by value (reference first); a hash from each value's length and three of its characters, which costs the
    /// same for any length. Collisions only cost a comparison: equality decides.
    /// </summary>
    private sealed class TagValuesComparer : IEqualityComparer<TagValues>
    {
        public static readonly TagValuesComparer Instance = new();

        public bool Equals(TagValues x, TagValues y)
            => Same(x.A, y.A) && Same(x.B, y.B) && Same(x.C, y.C) && Same(x.More, y.More);

        public int GetHashCode(TagValues v) => HashCode.Combine(Cheap(v.A), Cheap(v.B), Cheap(v.C), Cheap(v.More));

        private static bool Same(string? a, string? b) => ReferenceEquals(a, b) || string.Equals(a, b, StringComparison.Ordinal);

        private static int Cheap(string? s)
            => s is null ? 0 : s.Length == 0 ? 1 : (s.Length * 31) ^ (s[0] << 8) ^ (s[s.Length / 2] << 16) ^ (s[^1] << 24);
    }

    /// <summary>Up to three kept tag values inline (the allocation-free case); more go into a joined string.</summary>
    private readonly record struct TagValues(string? A, string? B, string? C, string? More)
    {
        public TagValues With(int index, string? value) => index switch
        {
            0 => this with { A = value },
            1 => this with { B = value },
            2 => this with { C = value },
            _ => this with { More = More + "\u0001" + value }, // allocates: more than three kept tags
        };

        public string? At(int index) => index switch
        {
            0 => A,
            1 => B,
            2 => C,
            _ => More?.Split('\u0001')[index - 2] is { Length: > 0 } v ? v : null,
        };
    }
}
