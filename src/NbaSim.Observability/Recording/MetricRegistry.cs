using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NbaSim.Observability.Diagnostics;
using NbaSim.Observability.Internal;
using NbaSim.Observability.Pipeline;
using NbaSim.Observability.Recording;

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

    private readonly HashSet<string> _profileRefusals = new(StringComparer.Ordinal);
    private readonly List<Aggregation.HistogramBucket> _scratch = [];
    private readonly object _collectGate = new();
    private readonly SeriesTable _series;
    private readonly PeriodClock _standardPeriod;
    private readonly PeriodClock _highPeriod;
    private TimeProvider _time;
    private ILogger _logger;
    private DateTimeOffset _started;
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
        Statistics = statistics;
        _series = new SeriesTable(statistics, _logger, options.MaxSeriesPerNamespace, MaxDimensionNameLengthFor(options), options.HighResolutionByDefault, options.ObservableGaugeTimeout);
        if (Configuration.ObservabilitySwitch.IsDisabled(options))
        {
            _series.SwitchOff();
        }

        _started = _time.GetUtcNow();
        _standardPeriod = new PeriodClock(options.AggregationPeriod.Ticks, _started, statistics, _logger);
        _highPeriod = new PeriodClock(TimeSpan.TicksPerSecond, _started, statistics, _logger);
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
            _series.Configure(_logger, options.MaxSeriesPerNamespace, MaxDimensionNameLengthFor(options), options.HighResolutionByDefault, options.ObservableGaugeTimeout);
            _started = _time.GetUtcNow();
            _standardPeriod.Reset(options.AggregationPeriod.Ticks, _started, _logger);
            _highPeriod.Reset(TimeSpan.TicksPerSecond, _started, _logger);
        }
    }

    /// <summary>The sink that drains this registry, linked once (<see cref="Link"/>); null before and after it.</summary>
    internal IRegistryConsumer? Consumer => Volatile.Read(ref _consumer);

    /// <summary>Why a second live sink on one registry is refused.</summary>
    internal const string AlreadyDrained = "This registry is already drained by another BufferedMetricSink; dispose that sink first, or create one registry per sink.";

    /// <summary>Links the sink that drains this registry. One at a time: a second live sink would split its datums.</summary>
    /// <exception cref="InvalidOperationException">Another sink drains this registry.</exception>
    internal void Link(IRegistryConsumer consumer)
    {
        if (Interlocked.CompareExchange(ref _consumer, consumer, null) is { } other && !ReferenceEquals(other, consumer))
        {
            throw new InvalidOperationException(AlreadyDrained);
        }
    }

    /// <summary>Ends <paramref name="consumer"/>'s link (when it is disposed), so another sink may drain the registry.</summary>
    internal void Unlink(IRegistryConsumer consumer) => Interlocked.CompareExchange(ref _consumer, null, consumer);

    internal TimeProvider TimeProvider => _time;

    /// <summary>How long a collection waits for observable callbacks (the registry's gauges and the Meter bridge's).</summary>
    internal TimeSpan ObservableGaugeTimeout => _series.GaugeTimeout;

    /// <summary>The cardinality limit per namespace; also bounds what the Meter bridge remembers per instrument.</summary>
    internal int MaxSeriesPerNamespace => _series.MaxSeriesPerNamespace;

    /// <summary>
    /// The series that takes a metric's samples past a cardinality bound (the Meter bridge's): its <c>Overflow=true</c>
    /// series, or, for a gauge or a name the namespace does not have yet, the refused handle whose samples are counted.
    /// </summary>
    internal MetricSeries OverflowSeries(MetricKind kind, string ns, string metricName, MetricUnit unit)
        => _series.GetOrAdd(kind, ns, metricName, unit, default, [], null, forceOverflow: true);

    /// <summary>True when the pipeline is switched off: series record nothing and no sink should run.</summary>
    internal bool IsSwitchedOff => _series.IsSwitchedOff;

    /// <summary>Switches recording off for good: every series, present and future, records nothing.</summary>
    internal void SwitchOff() => _series.SwitchOff();

    /// <summary>Number of live series.</summary>
    public int SeriesCount => _series.Count;

    /// <inheritdoc />
    public CounterSeries Counter(string ns, string metricName, MetricUnit unit, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions)
        => (CounterSeries)_series.GetOrAdd(MetricKind.Counter, ns, metricName, unit, options, dimensions, null);

    /// <inheritdoc />
    public GaugeSeries Gauge(string ns, string metricName, MetricUnit unit, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions)
        => (GaugeSeries)_series.GetOrAdd(MetricKind.Gauge, ns, metricName, unit, options, dimensions, null);

    /// <inheritdoc />
    public DistributionSeries Distribution(string ns, string metricName, MetricUnit unit, SeriesOptions options, params ReadOnlySpan<MetricDimension> dimensions)
        => (DistributionSeries)_series.GetOrAdd(MetricKind.Distribution, ns, metricName, unit, options, dimensions, null);

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
        var series = _series.GetOrAdd(MetricKind.Gauge, ns, metricName, unit, options, dimensions, observe);
        return new Registration(this, series);
    }

    /// <inheritdoc />
    public bool Enqueue(MetricDatum datum)
    {
        ArgumentNullException.ThrowIfNull(datum);
        if (_series.IsSwitchedOff)
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
        var (perNamespace, rollups) = _series.Snapshot();

        var rejected = Statistics.SamplesRefused;
        foreach (var series in _series.All)
        {
            rejected += series.RejectedSamples;
        }

        return new ObservabilityDiagnostics
        {
            LiveSeries = _series.Count,
            RollupMetrics = rollups,
            SeriesPerNamespace = perNamespace,
            SeriesOverflowed = Statistics.SeriesOverflowed,
            SamplesAggregated = Statistics.SamplesAggregated,
            SamplesRejected = rejected,
            SamplesLeftBehind = Statistics.SamplesLeftBehind,
            DatumsExported = Statistics.DatumsExported,
            BatchesExported = Statistics.BatchesExported,
            DatumsDropped = Statistics.DatumsDropped,
            ExportFailures = Statistics.ExportFailures,
            PeriodsSkipped = Statistics.PeriodsSkipped,
            LastExportError = Statistics.LastExportError,
            QueuedDatums = Consumer?.QueuedDatums ?? 0,
            Uptime = _time.GetUtcNow() - _started,
            AggregationPeriod = TimeSpan.FromTicks(_standardPeriod.PeriodTicks),
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
            Aggregation.RecordingThread.BeginCollection();
            long samples = 0;
            _series.HarvestRefused(_scratch);
            samples += _highPeriod.Close(_series.High, now, includeOpenPeriods, output, _scratch);
            samples += _standardPeriod.Close(_series.Standard, now, includeOpenPeriods, output, _scratch);
            Statistics.AddSamples(samples);
            return samples;
        }
    }

    /// <summary>
    /// Counts and logs the samples the stop's final collection had to leave in the cells of threads stalled inside a
    /// recording (suspended by a debugger or the OS): they are not sent, so they are reported rather than lost silently.
    /// Their cells are detached first, so no later collection (a flush after the stop, another sink on this registry)
    /// sends a sample counted here.
    /// </summary>
    /// <returns>The samples left behind (0 in every ordinary stop).</returns>
    internal long ReportSamplesLeftBehind()
    {
        lock (_collectGate)
        {
            var detached = new List<Aggregation.ThreadCell>();
            foreach (var series in _series.All)
            {
                series.DetachLeftBehind(detached);
            }

            if (detached.Count == 0)
            {
                return 0;
            }

            // A thread that resumed and records now reads the fresh cell once this barrier has run; what it wrote into a
            // detached cell by then is counted below (the sample being written at that moment, at most, is not).
            Aggregation.RecordingThread.Barrier();
            long samples = 0;
            foreach (var cell in detached)
            {
                samples += cell.SamplesHeld();
            }

            if (samples > 0)
            {
                Statistics.LeaveBehind(samples);
                Log.SamplesLeftBehind(_logger, samples);
            }

            return samples;
        }
    }

    /// <summary>Runs at the start of every collection (the Meter bridge polls observable instruments here).</summary>
    internal Action? BeforeCollect { get; set; }

    /// <summary>A woven method's series could not be created: logged once per method and registry, never thrown.</summary>
    internal void ReportProfileRefused(string method, string ns, string metricName, string reason)
    {
        lock (_profileRefusals)
        {
            if (!_profileRefusals.Add(method))
            {
                return;
            }
        }

        Log.ProfileRefused(_logger, method, ns, metricName, reason);
    }

    /// <summary>The earliest moment at which an open period closes.</summary>
    internal DateTimeOffset NextBoundary()
    {
        lock (_collectGate)
        {
            var high = _series.High.Length > 0 ? _highPeriod.End : DateTimeOffset.MaxValue;
            var standard = _standardPeriod.End;
            return high < standard ? high : standard;
        }
    }

    private sealed class Registration(MetricRegistry registry, MetricSeries series) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                registry._series.Remove(series);
            }
        }
    }
}
