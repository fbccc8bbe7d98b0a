using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NbaSim.Observability.Diagnostics;
using NbaSim.Observability.Internal;
using NbaSim.Observability.Pipeline;

namespace NbaSim.Observability;

/// <summary>
/// Holds every series of the process, enforces the cardinality limit, and closes aggregation periods on UTC boundaries.
/// Recording never touches the registry: series handles aggregate on their own.
/// </summary>
public sealed class MetricRegistry : INbaMetrics
{
    /// <summary>Dimension that marks the series absorbing samples past the cardinality limit.</summary>
    public const string OverflowDimensionName = "Overflow";

    /// <summary>The counter (per namespace, dimension Overflow=true) of samples recorded into refused series: new metric names or gauges past the cardinality limit.</summary>
    public const string CardinalityOverflowMetricName = "CardinalityOverflow";

    /// <summary>Zero-filled periods per series after a late wake-up, at most (a day of minutes).</summary>
    private const int MaxZeroFilledPeriods = 1440;

    private readonly ConcurrentDictionary<string, MetricSeries> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perNamespace = new(StringComparer.Ordinal);
    private readonly HashSet<string> _overflowWarned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _namesPerNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricSeries> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CounterSeries> _refusedCounters = new(StringComparer.Ordinal);
    private readonly List<MetricDatum> _refusedScratch = [];
    private MetricSeries[] _refusedSeries = [];
    private readonly HashSet<string> _profileRefusals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _rollupMetrics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _rollupSpecs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (MetricKind Kind, MetricUnit Unit)> _kindByName = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly List<Aggregation.HistogramBucket> _scratch = [];
    private readonly object _collectGate = new();
    private TimeProvider _time;
    private ILogger _logger;
    private long _periodTicks;
    private int _maxSeriesPerNamespace;
    private int _maxDimensionNameLength;
    private bool _highResolutionByDefault;
    private TimeSpan _gaugeTimeout;
    private DateTimeOffset _started;
    private MetricSeries[] _standard = [];
    private MetricSeries[] _high = [];
    private DateTimeOffset _standardPeriodStart;
    private DateTimeOffset _highPeriodStart;
    private bool _standardPartlyPublished;
    private bool _highPartlyPublished;
    private volatile bool _off;
    private IRegistryConsumer? _consumer;

    /// <summary>Creates a registry.</summary>
    /// <param name="options">Aggregation period and cardinality limit; defaults when <see langword="null"/>. Validated exactly as <c>AddNbaObservability</c> validates them.</param>
    /// <param name="timeProvider">Clock for period boundaries; the system clock when <see langword="null"/>.</param>
    /// <param name="logger">Logger for cardinality and callback warnings.</param>
    public MetricRegistry(NbaObservabilityOptions? options = null, TimeProvider? timeProvider = null, ILogger<MetricRegistry>? logger = null)
        : this(options, timeProvider, logger, new PipelineStatistics())
    {
    }

    internal MetricRegistry(NbaObservabilityOptions? options, TimeProvider? timeProvider, ILogger? logger, PipelineStatistics statistics)
    {
        options ??= new NbaObservabilityOptions();
        NbaObservabilityOptionsValidator.ThrowIfInvalid(options);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _periodTicks = options.AggregationPeriod.Ticks;
        _maxSeriesPerNamespace = options.MaxSeriesPerNamespace;
        _maxDimensionNameLength = MaxDimensionNameLengthFor(options);
        _highResolutionByDefault = options.HighResolutionByDefault;
        _gaugeTimeout = options.ObservableGaugeTimeout;
        _off = Configuration.ObservabilitySwitch.IsDisabled(options);
        Statistics = statistics;
        _started = _time.GetUtcNow();
        _standardPeriodStart = Align(_started, _periodTicks);
        _highPeriodStart = Align(_started, TimeSpan.TicksPerSecond);
    }

    internal PipelineStatistics Statistics { get; }

    /// <summary>EMF's schema allows dimension names of 250 characters, PutMetricData 255: refuse at creation what the configured exporter would.</summary>
    private static int MaxDimensionNameLengthFor(NbaObservabilityOptions options)
        => options.Exporter == MetricExporterKind.Emf ? MetricLimits.MaxEmfDimensionNameLength : MetricLimits.MaxDimensionNameLength;

    /// <summary>Applies host settings to a registry that woven code created before the host existed.</summary>
    internal void Reconfigure(NbaObservabilityOptions options, TimeProvider timeProvider, ILogger? logger)
    {
        if (Configuration.ObservabilitySwitch.IsDisabled(options))
        {
            // Woven code recorded into this registry before the host existed: that stops here too.
            SwitchOff();
        }

        lock (_collectGate)
        {
            _time = timeProvider;
            _logger = logger ?? NullLogger.Instance;
            _periodTicks = options.AggregationPeriod.Ticks;
            _maxSeriesPerNamespace = options.MaxSeriesPerNamespace;
            _maxDimensionNameLength = MaxDimensionNameLengthFor(options);
            _highResolutionByDefault = options.HighResolutionByDefault;
            _gaugeTimeout = options.ObservableGaugeTimeout;
            foreach (var gauge in _byKey.Values.OfType<GaugeSeries>())
            {
                gauge.CallbackTimeout = _gaugeTimeout;
            }

            _started = _time.GetUtcNow();
            _standardPeriodStart = Align(_started, _periodTicks);
            _highPeriodStart = Align(_started, TimeSpan.TicksPerSecond);
        }
    }

    /// <summary>The sink that drains this registry, linked once (<see cref="Link"/>); null before and after it.</summary>
    internal IRegistryConsumer? Consumer => Volatile.Read(ref _consumer);

    /// <summary>Links the sink that drains this registry. One at a time: a second live sink would split its datums.</summary>
    /// <exception cref="InvalidOperationException">Another sink drains this registry.</exception>
    internal void Link(IRegistryConsumer consumer)
    {
        if (Interlocked.CompareExchange(ref _consumer, consumer, null) is { } other && !ReferenceEquals(other, consumer))
        {
            throw new InvalidOperationException("This registry is already drained by another BufferedMetricSink; dispose that sink first, or create one registry per sink.");
        }
    }

    /// <summary>Ends <paramref name="consumer"/>'s link (when it is disposed), so another sink may drain the registry.</summary>
    internal void Unlink(IRegistryConsumer consumer) => Interlocked.CompareExchange(ref _consumer, null, consumer);

    internal TimeProvider TimeProvider => _time;

    /// <summary>How long a collection waits for observable callbacks (the registry's gauges and the Meter bridge's).</summary>
    internal TimeSpan ObservableGaugeTimeout => _gaugeTimeout;

    /// <summary>The cardinality limit per namespace; also bounds what the Meter bridge remembers per instrument.</summary>
    internal int MaxSeriesPerNamespace => _maxSeriesPerNamespace;

    /// <summary>
    /// The series that takes a metric's samples past a cardinality bound (the Meter bridge's): its <c>Overflow=true</c>
    /// series, or, for a gauge or a name the namespace does not have yet, the refused handle whose samples are counted.
    /// </summary>
    internal MetricSeries OverflowSeries(MetricKind kind, string ns, string metricName, MetricUnit unit)
        => GetOrAdd(kind, ns, metricName, unit, default, [], null, forceOverflow: true);

    /// <summary>Switches recording off for good: every series, present and future, records nothing.</summary>
    internal void SwitchOff()
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

    /// <summary>True when the pipeline is switched off: series record nothing and no sink should run.</summary>
    internal bool IsSwitchedOff => _off;

    /// <summary>Number of live series.</summary>
    public int SeriesCount => _byKey.Count;

    /// <inheritdoc />
    public CounterSeries Counter(string ns, string metricName, MetricUnit unit, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions)
        => (CounterSeries)GetOrAdd(MetricKind.Counter, ns, metricName, unit, options, dimensions, null);

    /// <inheritdoc />
    public GaugeSeries Gauge(string ns, string metricName, MetricUnit unit, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions)
        => (GaugeSeries)GetOrAdd(MetricKind.Gauge, ns, metricName, unit, options, dimensions, null);

    /// <inheritdoc />
    public DistributionSeries Distribution(string ns, string metricName, MetricUnit unit, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions)
        => (DistributionSeries)GetOrAdd(MetricKind.Distribution, ns, metricName, unit, options, dimensions, null);

    /// <inheritdoc />
    public IDisposable ObservableGauge(string ns, string metricName, MetricUnit unit, Func<double> observe, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions)
    {
        ArgumentNullException.ThrowIfNull(observe);
        return ObservableGauge(ns, metricName, unit, () => (double?)observe(), options, dimensions);
    }

    /// <inheritdoc />
    public IDisposable ObservableGauge(string ns, string metricName, MetricUnit unit, Func<double?> observe, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions)
    {
        ArgumentNullException.ThrowIfNull(observe);
        var series = GetOrAdd(MetricKind.Gauge, ns, metricName, unit, options, dimensions, observe);
        return new Registration(this, series);
    }

    /// <inheritdoc />
    public bool Publish(MetricDatum datum)
    {
        ArgumentNullException.ThrowIfNull(datum);
        if (_off)
        {
            return true; // switched off: accepted and discarded, like every recording
        }

        var consumer = Consumer
            ?? throw new InvalidOperationException("This registry is not attached to a sink; create a BufferedMetricSink for it (AddNbaObservability does).");
        return consumer.Accept(datum);
    }

    /// <inheritdoc />
    public ObservabilityDiagnostics GetDiagnostics()
    {
        Dictionary<string, int> perNamespace;
        int rollups;
        lock (_gate)
        {
            perNamespace = new Dictionary<string, int>(_perNamespace, StringComparer.Ordinal);
            rollups = _rollupMetrics.Count;
        }

        var rejected = Statistics.SamplesRefused;
        foreach (var series in _byKey.Values)
        {
            rejected += series.RejectedSamples;
        }

        return new ObservabilityDiagnostics
        {
            LiveSeries = _byKey.Count,
            RollupMetrics = rollups,
            SeriesPerNamespace = perNamespace,
            SeriesOverflowed = Statistics.SeriesOverflowed,
            SamplesAggregated = Statistics.SamplesAggregated,
            SamplesRejected = rejected,
            DatumsExported = Statistics.DatumsExported,
            BatchesExported = Statistics.BatchesExported,
            DatumsDropped = Statistics.DatumsDropped,
            ExportFailures = Statistics.ExportFailures,
            PeriodsSkipped = Statistics.PeriodsSkipped,
            LastExportError = Statistics.LastExportError,
            QueuedDatums = Consumer?.QueuedDatums ?? 0,
            Uptime = _time.GetUtcNow() - _started,
            AggregationPeriod = TimeSpan.FromTicks(_periodTicks),
        };
    }

    /// <summary>
    /// Harvests every period that has closed by <paramref name="now"/> (and, when <paramref name="includeOpenPeriods"/>,
    /// the periods still open) into <paramref name="output"/>. Each datum is stamped with its period's start.
    /// </summary>
    /// <returns>Samples harvested.</returns>
    internal long Collect(DateTimeOffset now, bool includeOpenPeriods, List<MetricDatum> output)
    {
        // Observable .NET instruments report now, so their values land in the period being closed (never inside the lock:
        // their callbacks are other people's code).
        BeforeCollect?.Invoke();
        lock (_collectGate)
        {
            long samples = 0;
            HarvestRefused();
            samples += CollectGroup(Volatile.Read(ref _high), ref _highPeriodStart, ref _highPartlyPublished, TimeSpan.TicksPerSecond, now, includeOpenPeriods, output);
            samples += CollectGroup(Volatile.Read(ref _standard), ref _standardPeriodStart, ref _standardPartlyPublished, _periodTicks, now, includeOpenPeriods, output);
            Statistics.AddSamples(samples);
            return samples;
        }
    }

    /// <summary>Runs at the start of every collection (the Meter bridge polls observable instruments here).</summary>
    internal Action? BeforeCollect { get; set; }

    /// <summary>A woven method's series could not be created: logged once per method and registry, never thrown.</summary>
    internal void ReportProfileRefused(string method, string ns, string metricName, string reason)
    {
        lock (_gate)
        {
            if (!_profileRefusals.Add(method))
            {
                return;
            }
        }

        Log.ProfileRefused(_logger, method, ns, metricName, reason);
    }

    /// <summary>Samples of refused series are counted into their namespace's overflow counter, never published as themselves.</summary>
    private void HarvestRefused()
    {
        foreach (var refused in Volatile.Read(ref _refusedSeries))
        {
            _refusedScratch.Clear();
            var samples = refused.Harvest(default, _refusedScratch, _scratch);
            if (samples > 0)
            {
                Statistics.AddOverflowSamples(samples);
                _refusedCounters[refused.Namespace].Add(samples);
            }
        }
    }

    /// <summary>The earliest moment at which an open period closes.</summary>
    internal DateTimeOffset NextBoundary()
    {
        lock (_collectGate)
        {
            var high = _high.Length > 0 ? _highPeriodStart.AddTicks(TimeSpan.TicksPerSecond) : DateTimeOffset.MaxValue;
            var standard = _standardPeriodStart.AddTicks(_periodTicks);
            return high < standard ? high : standard;
        }
    }

    private long CollectGroup(MetricSeries[] series, ref DateTimeOffset periodStart, ref bool partlyPublished, long periodTicks, DateTimeOffset now, bool includeOpen, List<MetricDatum> output)
    {
        var current = Align(now, periodTicks);
        var closed = current > periodStart;
        if (!closed && !includeOpen)
        {
            return 0;
        }

        // A collector that wakes late (a suspended process; the collector has a thread of its own, so a starved thread
        // pool cannot delay it) harvests what was recorded while its period was open: the samples are stamped with the
        // period that was due to close (a process that resumes runs its collector at once, before much else is
        // recorded), and the periods skipped after it are counted and zero-filled.
        var stamp = periodStart;
        if (closed && series.Length > 0 && current.UtcTicks - periodStart.UtcTicks > periodTicks)
        {
            var skipped = ((current.UtcTicks - periodStart.UtcTicks) / periodTicks) - 1;
            Statistics.SkippedPeriods(skipped);
            Log.PeriodsSkipped(_logger, skipped);
            for (var k = Math.Max(1, skipped - MaxZeroFilledPeriods + 1); k <= skipped; k++)
            {
                foreach (var s in series)
                {
                    s.ZeroFill(periodStart.AddTicks(k * periodTicks), output);
                }
            }
        }

        long samples = 0;
        foreach (var s in series)
        {
            var count = s.Harvest(stamp, output, _scratch, partlyPublished);
            samples += count;
            if (s.IsOverflow && count > 0)
            {
                Statistics.AddOverflowSamples(count);
            }

            if (s is GaugeSeries gauge && gauge.ObserveFailures > gauge.ObserveFailuresReported)
            {
                gauge.ObserveFailuresReported = gauge.ObserveFailures;
                Log.ObserveCallbackFailed(_logger, s.Namespace, s.MetricName, gauge.ObserveFailures);
            }

            if (s is GaugeSeries slow && slow.ObserveTimeouts > slow.ObserveTimeoutsReported)
            {
                slow.ObserveTimeoutsReported = slow.ObserveTimeouts;
                Log.ObserveCallbackTimedOut(_logger, s.Namespace, s.MetricName, slow.CallbackTimeout);
            }

            if (s.RejectedSamples > s.RejectedReported)
            {
                s.RejectedReported = s.RejectedSamples;
                Log.SamplesRejected(_logger, s.Namespace, s.MetricName, s.RejectedReported);
            }
        }

        if (closed)
        {
            periodStart = current;
            partlyPublished = false;
        }
        else
        {
            partlyPublished = true;
        }

        return samples;
    }

    private MetricSeries GetOrAdd(MetricKind kind, string ns, string metricName, MetricUnit unit, SeriesOptions options, ReadOnlySpan<MetricDimension> dimensions, Func<double?>? observe, bool forceOverflow = false)
    {
        if (_highResolutionByDefault)
        {
            options = options with { HighResolution = true };
        }

        var key = BuildKey(ns, metricName, options.HighResolution, dimensions);
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
            var rollup = RollupOf(kind, metricName, dims, options.RollupWithout);
            CheckSameRollup(ns, metricName, options.RollupWithout);

            _perNamespace.TryGetValue(ns, out var inNamespace);
            var isOverflow = false;
            if (inNamespace >= _maxSeriesPerNamespace || forceOverflow)
            {
                Statistics.SeriesOverflow();
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
                if (kind == MetricKind.Gauge || !known || metricName == OverflowDimensionName)
                {
                    return Refused(ns, kind);
                }

                // A rollup that keeps dimensions (Team of Team+Player) must still see these samples: the overflow series
                // keeps the rollup's dimensions (Team=BOS, Overflow=true), so the Team=BOS aggregate stays complete. Those
                // series are bounded too: past twice the limit the samples are only counted, and that is logged.
                if (rollup is { Length: > 0 } && rollup.Any(d => d.Name == OverflowDimensionName))
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

                    dims = [.. kept, new MetricDimension(OverflowDimensionName, "true")];
                }
                else
                {
                    dims = [new MetricDimension(OverflowDimensionName, "true")];
                }

                key = BuildKey(ns, metricName, options.HighResolution, dims);
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
                _rollupMetrics.Add(BuildKey(ns, metricName, options.HighResolution, rolled));
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
    /// published itself; the collector counts its samples into the namespace's <see cref="CardinalityOverflowMetricName"/> counter.
    /// </summary>
    private MetricSeries Refused(string ns, MetricKind kind)
    {
        var key = ns + "\u001F" + kind;
        if (_refused.TryGetValue(key, out var refused))
        {
            return refused;
        }

        var dims = new[] { new MetricDimension(OverflowDimensionName, "true") };
        var options = new SeriesOptions();
        refused = kind switch
        {
            MetricKind.Counter => new CounterSeries(ns, CardinalityOverflowMetricName, MetricUnit.Count, dims, options, isOverflow: true),
            MetricKind.Gauge => new GaugeSeries(ns, CardinalityOverflowMetricName, MetricUnit.None, dims, options, isOverflow: true),
            _ => new DistributionSeries(ns, CardinalityOverflowMetricName, MetricUnit.None, dims, options, isOverflow: true),
        };
        if (_off)
        {
            refused.SwitchOff();
        }

        _refused[key] = refused;
        if (!_refusedCounters.ContainsKey(ns))
        {
            // Bounded: one per namespace, on top of MaxSeriesPerNamespace.
            var counter = new CounterSeries(ns, CardinalityOverflowMetricName, MetricUnit.Count, dims, options, isOverflow: true);
            _refusedCounters[ns] = counter;
            _byKey[BuildKey(ns, CardinalityOverflowMetricName, false, dims)] = counter;
            Volatile.Write(ref _standard, [.. _standard, counter]);
        }

        Volatile.Write(ref _refusedSeries, [.. _refusedSeries, refused]);
        return refused;
    }

    /// <summary>
    /// Every series of a metric must ask for the same rollup: one series without it (or with another) would leave its
    /// samples out of the aggregate, a rollup that looks complete and is not. The first series decides. Call under _gate.
    /// </summary>
    private void CheckSameRollup(string ns, string metricName, IReadOnlyList<string>? without)
    {
        var spec = without is { Count: > 0 } ? string.Join(", ", without.Order(StringComparer.Ordinal)) : string.Empty;
        var key = ns + "\u001F" + metricName;
        if (!_rollupSpecs.TryGetValue(key, out var existing))
        {
            _rollupSpecs[key] = spec;
            return;
        }

        if (!string.Equals(existing, spec, StringComparison.Ordinal))
        {
            static string Describe(string s) => s.Length == 0 ? "no rollup" : $"RollupWithout [{s}]";
            throw new MetricValidationException(nameof(SeriesOptions.RollupWithout), $"Metric '{metricName}' in '{ns}' already has series with {Describe(existing)}; this one asks for {Describe(spec)}. Every series of a metric must ask for the same rollup, or the rollup would miss some of its samples.");
        }
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

    /// <summary>The rollup's dimensions: <paramref name="dims"/> without the named ones; null when none is asked for.</summary>
    private static MetricDimension[]? RollupOf(MetricKind kind, string metricName, MetricDimension[] dims, IReadOnlyList<string>? without)
    {
        if (without is not { Count: > 0 })
        {
            return null;
        }

        if (kind == MetricKind.Gauge)
        {
            throw new MetricValidationException(nameof(SeriesOptions.RollupWithout), $"Metric '{metricName}' is a gauge; a rollup (RollupWithout) adds samples up, so it applies to counters and distributions only.");
        }

        foreach (var name in without)
        {
            if (!dims.Any(d => string.Equals(d.Name, name, StringComparison.Ordinal)))
            {
                var present = dims.Length == 0 ? "none" : string.Join(", ", dims.Select(d => d.Name));
                throw new MetricValidationException(nameof(SeriesOptions.RollupWithout), $"RollupWithout names dimension '{name}', which metric '{metricName}' does not have (its dimensions: {present}).");
            }
        }

        return dims.Where(d => !without.Contains(d.Name, StringComparer.Ordinal)).ToArray();
    }

    private void Remove(MetricSeries series)
    {
        lock (_gate)
        {
            var key = BuildKey(series.Namespace, series.MetricName, series.Options.HighResolution, series.DimensionArray);
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

    private static string BuildKey(string ns, string metricName, bool highResolution, ReadOnlySpan<MetricDimension> dimensions)
    {
        // Separators are control characters, which valid names and values cannot contain, so keys cannot collide.
        var builder = new StringBuilder(ns.Length + metricName.Length + 8 + (dimensions.Length * 24));
        builder.Append(highResolution ? '1' : '6').Append('\u001F').Append(ns).Append('\u001F').Append(metricName);
        if (dimensions.Length > 0)
        {
            Span<int> order = dimensions.Length <= 32 ? stackalloc int[dimensions.Length] : new int[dimensions.Length];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            // Dimension order does not change a CloudWatch metric's identity.
            for (var i = 1; i < order.Length; i++)
            {
                var current = order[i];
                var j = i - 1;
                while (j >= 0 && string.CompareOrdinal(dimensions[order[j]].Name, dimensions[current].Name) > 0)
                {
                    order[j + 1] = order[j];
                    j--;
                }

                order[j + 1] = current;
            }

            foreach (var index in order)
            {
                builder.Append('\u001E').Append(dimensions[index].Name).Append('\u001D').Append(dimensions[index].Value);
            }
        }

        return builder.ToString();
    }

    private static DateTimeOffset Align(DateTimeOffset time, long periodTicks)
    {
        var utcTicks = time.UtcTicks;
        return new DateTimeOffset(utcTicks - (utcTicks % periodTicks), TimeSpan.Zero);
    }

    private sealed class Registration(MetricRegistry registry, MetricSeries series) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                registry.Remove(series);
            }
        }
    }
}
