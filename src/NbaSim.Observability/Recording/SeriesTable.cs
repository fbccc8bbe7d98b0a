using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NbaSim.Observability.Diagnostics;
using NbaSim.Observability.Internal;

namespace NbaSim.Observability.Recording;

/// <summary>
/// Every series of a registry by identity: creation and lookup, the cardinality limit per namespace (overflow series and
/// refused handles), one kind and unit per metric name, and the rollup rules. Lookups of existing series are lock-free;
/// creation takes one lock.
/// </summary>
internal sealed class SeriesTable
{
    private readonly ConcurrentDictionary<string, MetricSeries> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perNamespace = new(StringComparer.Ordinal);
    private readonly HashSet<string> _overflowWarned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _namesPerNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricSeries> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CounterSeries> _refusedCounters = new(StringComparer.Ordinal);
    private readonly List<MetricDatum> _refusedScratch = [];
    private readonly Dictionary<string, (MetricKind Kind, MetricUnit Unit)> _kindByName = new(StringComparer.Ordinal);
    private readonly RollupRules _rollups = new();
    private readonly PipelineStatistics _statistics;
    private readonly object _gate = new();
    private MetricSeries[] _refusedSeries = [];
    private MetricSeries[] _standard = [];
    private MetricSeries[] _high = [];
    private ILogger _logger;
    private int _maxSeriesPerNamespace;
    private int _maxDimensionNameLength;
    private bool _highResolutionByDefault;
    private TimeSpan _gaugeTimeout;
    private volatile bool _off;

    public SeriesTable(PipelineStatistics statistics, ILogger logger, int maxSeriesPerNamespace, int maxDimensionNameLength, bool highResolutionByDefault, TimeSpan gaugeTimeout)
    {
        _statistics = statistics;
        _logger = logger;
        _maxSeriesPerNamespace = maxSeriesPerNamespace;
        _maxDimensionNameLength = maxDimensionNameLength;
        _highResolutionByDefault = highResolutionByDefault;
        _gaugeTimeout = gaugeTimeout;
    }

    /// <summary>Live series (refused handles excluded; overflow series and overflow counters included).</summary>
    public int Count => _byKey.Count;

    /// <summary>Standard-resolution series, for the 60-second period.</summary>
    public MetricSeries[] Standard => Volatile.Read(ref _standard);

    /// <summary>High-resolution series, for the 1-second period.</summary>
    public MetricSeries[] High => Volatile.Read(ref _high);

    /// <summary>Every live series.</summary>
    public ICollection<MetricSeries> All => _byKey.Values;

    public bool IsSwitchedOff => _off;

    public int MaxSeriesPerNamespace => _maxSeriesPerNamespace;

    public TimeSpan GaugeTimeout => _gaugeTimeout;

    /// <summary>Applies new limits (a host's settings applied to a registry created before it).</summary>
    public void Configure(ILogger logger, int maxSeriesPerNamespace, int maxDimensionNameLength, bool highResolutionByDefault, TimeSpan gaugeTimeout)
    {
        lock (_gate)
        {
            _logger = logger;
            _maxSeriesPerNamespace = maxSeriesPerNamespace;
            _maxDimensionNameLength = maxDimensionNameLength;
            _highResolutionByDefault = highResolutionByDefault;
            _gaugeTimeout = gaugeTimeout;
            foreach (var gauge in _byKey.Values.OfType<GaugeSeries>())
            {
                gauge.CallbackTimeout = gaugeTimeout;
            }
        }
    }

    /// <summary>Series per namespace and rollup metrics, as one consistent snapshot.</summary>
    public (Dictionary<string, int> PerNamespace, int Rollups) Snapshot()
    {
        lock (_gate)
        {
            return (new Dictionary<string, int>(_perNamespace, StringComparer.Ordinal), _rollups.Count);
        }
    }

    /// <summary>Switches recording off for good: every series, present and future, records nothing.</summary>
    public void SwitchOff()
    {
        lock (_gate)
        {
            // Under the gate that creates series, so none is created between the flag and the loop.
            _off = true;
            foreach (var series in _byKey.Values)
            {
                series.SwitchOff();
            }

            foreach (var series in _refused.Values)
            {
                series.SwitchOff();
            }
        }
    }

    /// <summary>The series of this identity, created (or refused, past the cardinality limit) if new.</summary>
    public MetricSeries GetOrAdd(MetricKind kind, string ns, string metricName, MetricUnit unit, SeriesOptions options, ReadOnlySpan<MetricDimension> dimensions, Func<double?>? observe, bool forceOverflow = false)
    {
        if (_highResolutionByDefault)
        {
            options = options with { HighResolution = true };
        }

        var key = SeriesKey.Build(ns, metricName, options.HighResolution, dimensions);
        if (observe is null && !forceOverflow && _byKey.TryGetValue(key, out var existing))
        {
            return CheckCompatible(existing, kind, unit);
        }

        lock (_gate)
        {
            if (!forceOverflow && _byKey.TryGetValue(key, out existing))
            {
                if (observe is not null)
                {
                    throw new InvalidOperationException($"Metric '{ns}/{metricName}' with these dimensions is already registered; an observable gauge needs its own identity.");
                }

                return CheckCompatible(existing, kind, unit);
            }

            MetricValidator.ValidateNamespace(ns);
            MetricValidator.ValidateMetricName(metricName);
            MetricValidator.ValidateUnit(unit);
            var dims = dimensions.ToArray();
            MetricValidator.ValidateDimensions(dims, _maxDimensionNameLength);
            MetricValidator.ValidateDistinctNames(metricName, dims);
            CheckSameKind(ns, metricName, kind, unit);
            var rollup = RollupRules.Of(kind, metricName, dims, options.RollupWithout);
            _rollups.CheckSame(ns, metricName, options.RollupWithout);

            _perNamespace.TryGetValue(ns, out var inNamespace);
            var isOverflow = false;
            if (inNamespace >= _maxSeriesPerNamespace || forceOverflow)
            {
                _statistics.SeriesOverflow();
                if (_overflowWarned.Add(ns))
                {
                    Log.CardinalityLimitReached(_logger, ns, _maxSeriesPerNamespace);
                }

                if (observe is not null)
                {
                    throw new InvalidOperationException($"Namespace '{ns}' has reached its limit of {_maxSeriesPerNamespace} series (MaxSeriesPerNamespace); the observable gauge '{metricName}' was not created.");
                }

                // A metric name the namespace already has keeps its totals in one overflow series per name (these count
                // toward the limit too). A new name, or a gauge (whose "last value" across many series would mean
                // nothing), is refused: its samples are only counted, in the namespace's CardinalityOverflow counter.
                // A metric named like the overflow dimension cannot carry it (EMF would hold the key twice): refused too.
                var known = _namesPerNamespace.TryGetValue(ns, out var names) && names.Contains(metricName);
                if (kind == MetricKind.Gauge || !known || metricName == MetricRegistry.OverflowDimensionName)
                {
                    return Refused(ns, kind);
                }

                // A rollup that keeps dimensions (Team of Team+Player) must still see these samples: the overflow series
                // keeps the rollup's dimensions (Team=BOS, Overflow=true), so the Team=BOS aggregate stays complete. Those
                // series are bounded too: past twice the limit the samples are only counted, and that is logged.
                if (rollup is { Length: > 0 } && rollup.Any(d => d.Name == MetricRegistry.OverflowDimensionName))
                {
                    return Refused(ns, kind); // the overflow series would hold the Overflow dimension twice
                }

                if (rollup is { Length: > 0 } kept)
                {
                    if (inNamespace >= 2L * _maxSeriesPerNamespace)
                    {
                        if (_overflowWarned.Add(ns + "\u001F" + metricName))
                        {
                            Log.RollupOverflowRefused(_logger, ns, metricName, string.Join(", ", kept.Select(d => d.Name)), 2L * _maxSeriesPerNamespace);
                        }

                        return Refused(ns, kind);
                    }

                    dims = [.. kept, new MetricDimension(MetricRegistry.OverflowDimensionName, "true")];
                }
                else
                {
                    dims = [new MetricDimension(MetricRegistry.OverflowDimensionName, "true")];
                }

                key = SeriesKey.Build(ns, metricName, options.HighResolution, dims);
                if (_byKey.TryGetValue(key, out existing))
                {
                    return CheckCompatible(existing, kind, unit);
                }

                isOverflow = true;
            }

            MetricSeries series = kind switch
            {
                MetricKind.Counter => new CounterSeries(ns, metricName, unit, dims, options, isOverflow),
                MetricKind.Gauge => new GaugeSeries(ns, metricName, unit, dims, options, isOverflow, observe) { CallbackTimeout = _gaugeTimeout },
                _ => new DistributionSeries(ns, metricName, unit, dims, options, isOverflow),
            };
            if (_off)
            {
                series.SwitchOff();
            }

            // An overflow series carries the rollup's kept dimensions (above), so its samples join the rollup too.
            series.Rollup = rollup;
            if (series.Rollup is { } rolled)
            {
                _rollups.Add(SeriesKey.Build(ns, metricName, options.HighResolution, rolled));
            }

            _byKey[key] = series;
            _perNamespace[ns] = inNamespace + 1;
            if (!_namesPerNamespace.TryGetValue(ns, out var nsNames))
            {
                _namesPerNamespace[ns] = nsNames = new HashSet<string>(StringComparer.Ordinal);
            }

            nsNames.Add(metricName);
            if (options.HighResolution)
            {
                Volatile.Write(ref _high, [.. _high, series]);
            }
            else
            {
                Volatile.Write(ref _standard, [.. _standard, series]);
            }

            return series;
        }
    }

    /// <summary>
    /// The handle returned for a refused series: one per namespace and kind (so refusals cannot grow memory), never
    /// published itself; the collector counts its samples into the namespace's <see cref="MetricRegistry.CardinalityOverflowMetricName"/> counter.
    /// </summary>
    private MetricSeries Refused(string ns, MetricKind kind)
    {
        var key = ns + "\u001F" + kind;
        if (_refused.TryGetValue(key, out var refused))
        {
            return refused;
        }

        var dims = new[] { new MetricDimension(MetricRegistry.OverflowDimensionName, "true") };
        var options = new SeriesOptions();
        refused = kind switch
        {
            MetricKind.Counter => new CounterSeries(ns, MetricRegistry.CardinalityOverflowMetricName, MetricUnit.Count, dims, options, isOverflow: true),
            MetricKind.Gauge => new GaugeSeries(ns, MetricRegistry.CardinalityOverflowMetricName, MetricUnit.None, dims, options, isOverflow: true),
            _ => new DistributionSeries(ns, MetricRegistry.CardinalityOverflowMetricName, MetricUnit.None, dims, options, isOverflow: true),
        };
        if (_off)
        {
            refused.SwitchOff();
        }

        _refused[key] = refused;
        if (!_refusedCounters.ContainsKey(ns))
        {
            // Bounded: one per namespace, on top of MaxSeriesPerNamespace.
            var counter = new CounterSeries(ns, MetricRegistry.CardinalityOverflowMetricName, MetricUnit.Count, dims, options, isOverflow: true);
            _refusedCounters[ns] = counter;
            _byKey[SeriesKey.Build(ns, MetricRegistry.CardinalityOverflowMetricName, false, dims)] = counter;
            Volatile.Write(ref _standard, [.. _standard, counter]);
        }

        Volatile.Write(ref _refusedSeries, [.. _refusedSeries, refused]);
        return refused;
    }

    /// <summary>
    /// Every series of a metric (one name in one namespace) has one kind and unit, whatever its dimensions: a counter in
    /// Count and a distribution in Seconds under one name would be one CloudWatch metric with two meanings (EMF would
    /// carry both). The first series decides. Call under _gate.
    /// </summary>
    private void CheckSameKind(string ns, string metricName, MetricKind kind, MetricUnit unit)
    {
        var key = ns + "\u001F" + metricName;
        if (!_kindByName.TryGetValue(key, out var first))
        {
            _kindByName[key] = (kind, unit);
            return;
        }

        if (first.Kind != kind || first.Unit != unit)
        {
            throw new InvalidOperationException(
                $"Metric '{ns}/{metricName}' already has series as a {first.Kind} in {first.Unit.ToWireName()}; it cannot also have series as a {kind} in {unit.ToWireName()} (other dimensions do not make it another metric). Give one of them another name.");
        }
    }

    /// <summary>Forgets a series (an observable gauge's registration was disposed).</summary>
    public void Remove(MetricSeries series)
    {
        lock (_gate)
        {
            var key = SeriesKey.Build(series.Namespace, series.MetricName, series.Options.HighResolution, series.DimensionArray);
            if (!_byKey.TryRemove(key, out _))
            {
                return;
            }

            _perNamespace[series.Namespace]--;
            if (series.Options.HighResolution)
            {
                Volatile.Write(ref _high, _high.Where(s => s != series).ToArray());
            }
            else
            {
                Volatile.Write(ref _standard, _standard.Where(s => s != series).ToArray());
            }
        }
    }

    private static MetricSeries CheckCompatible(MetricSeries existing, MetricKind kind, MetricUnit unit)
    {
        if (existing.Kind != kind || existing.Unit != unit)
        {
            throw new InvalidOperationException(
                $"Metric '{existing.Namespace}/{existing.MetricName}' is already registered as a {existing.Kind} in {existing.Unit.ToWireName()}; it cannot also be a {kind} in {unit.ToWireName()}.");
        }

        return existing;
    }

    /// <summary>Samples of refused series are counted into their namespace's overflow counter, never published as themselves.</summary>
    public void HarvestRefused(List<Aggregation.HistogramBucket> scratch)
    {
        foreach (var refused in Volatile.Read(ref _refusedSeries))
        {
            _refusedScratch.Clear();
            var samples = refused.Harvest(default, _refusedScratch, scratch);
            if (samples > 0)
            {
                _statistics.AddOverflowSamples(samples);
                _refusedCounters[refused.Namespace].Add(samples);
            }
        }
    }
}
