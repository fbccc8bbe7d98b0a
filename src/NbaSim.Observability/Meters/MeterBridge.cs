using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using NbaSim.Observability.Internal;

namespace NbaSim.Observability.Meters;

/// <summary>
/// Publishes the instruments of configured .NET meters (<c>NbaObservability:Meters</c>) through the registry, so they
/// are aggregated, batched and exported like every other series. A <see cref="MeterListener"/> sees instruments
/// created before and after start; a disposed meter simply stops reporting.
/// </summary>
/// <remarks>
/// Observable instruments are read at the start of each collection, each through a listener of its own, off the
/// collector's thread and with the registry's <see cref="NbaObservabilityOptions.ObservableGaugeTimeout"/>: a callback
/// that blocks costs its own value (and is not called again until it returns), never another series' period, a flush
/// or the shutdown.
/// </remarks>
internal sealed class MeterBridge : IDisposable
{
    private readonly MetricRegistry _registry;
    private readonly IReadOnlyList<MeterBridgeOptions> _rules;
    private readonly ILogger _logger;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<string, bool> _loggedOnce = new(StringComparer.Ordinal);
    private readonly object _readersGate = new(); // net8.0 has no System.Threading.Lock
    private ObservableReader[] _readers = [];
    private readonly ConcurrentDictionary<InstrumentBinding, bool> _bindings = new(ReferenceEqualityComparer.Instance);
    private readonly ConfiguredMeterPresence _presence;
    private bool _disposed;

    /// <summary>How long after start a configured meter or instrument may take to appear before it is reported missing.</summary>
    internal static readonly TimeSpan PresenceGrace = TimeSpan.FromMinutes(1);

    public MeterBridge(MetricRegistry registry, IReadOnlyList<MeterBridgeOptions> rules, ILogger logger, TimeProvider? time = null)
    {
        _registry = registry;
        _rules = rules;
        _logger = logger;
        _presence = new ConfiguredMeterPresence(rules, logger, time ?? TimeProvider.System, PresenceGrace);
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,

            // A disposed meter's instruments are forgotten: an application that creates and disposes meters (one per
            // tenant, per operation) must not grow the bridge.
            MeasurementsCompleted = (instrument, state) => _bindings.TryRemove((InstrumentBinding)state!, out bool _),
        };
        SetCallbacks(_listener);
        _listener.Start();
        registry.BeforeCollect += RecordObservables;
    }

    public void Dispose()
    {
        _registry.BeforeCollect -= RecordObservables;
        _presence.Dispose();
        _listener.Dispose();
        ObservableReader[] readers;
        lock (_readersGate)
        {
            _disposed = true;
            readers = _readers;
            _readers = [];
        }

        foreach (var reader in readers)
        {
            reader.Dispose();
        }
    }

    /// <summary>Tag combinations the bridge remembers, over all instruments (each bounded by MaxSeriesPerNamespace).</summary>
    internal int RememberedCombinations => _bindings.Keys.Sum(b => b.Entries);

    /// <summary>Observable instruments read at each collection (those of disposed meters are removed).</summary>
    internal int ObservableInstruments => Volatile.Read(ref _readers).Length;

    /// <summary>Reads the observable instruments now (the last time, at shutdown), within the callback time limit.</summary>
    public void RecordObservablesNow() => RecordObservables();

    internal static void SetCallbacks(MeterListener listener)
    {
        listener.SetMeasurementEventCallback<double>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<float>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<long>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<int>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<short>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<byte>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        listener.SetMeasurementEventCallback<decimal>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record((double)m, tags));
    }

    private void RecordObservables()
    {
        var readers = Volatile.Read(ref _readers);
        if (readers.Length == 0)
        {
            return;
        }

        // Every reader starts at once and all share one deadline: N slow callbacks cost one time limit, not N.
        var timeout = _registry.ObservableGaugeTimeout;
        var started = new List<(ObservableReader Reader, Task Read)>(readers.Length);
        foreach (var reader in readers)
        {
            if (reader.TryStart() is { } read)
            {
                started.Add((reader, read));
            }
            else
            {
                TimedOut(reader, timeout);
            }
        }

        if (started.Count == 0)
        {
            return;
        }

        // The reads never fault (each catches its callback's exception), so waiting cannot throw.
        Task.WhenAll(started.Select(s => s.Read)).Wait(timeout);
        foreach (var (reader, read) in started)
        {
            if (!read.IsCompleted)
            {
                TimedOut(reader, timeout);
            }
        }
    }

    private void TimedOut(ObservableReader reader, TimeSpan timeout)
        => Once("slow:" + reader.Namespace + "/" + reader.Name, () => Log.ObserveCallbackTimedOut(_logger, reader.Namespace, reader.Name, timeout));

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        _presence.Observe(instrument);
        var rule = _rules.FirstOrDefault(r => Matches(r, instrument));
        if (rule is null || Kind(instrument) is not { } kind)
        {
            return;
        }

        if (!MeterUnits.TryMap(instrument.Unit, out var unit))
        {
            Once("unit:" + instrument.Unit, () => Log.MeterUnitUnknown(_logger, instrument.Unit!, instrument.Meter.Name, instrument.Name));
        }

        var binding = new InstrumentBinding(_registry, rule.Namespace, instrument.Name, unit, kind, [.. rule.Dimensions], (name, reason) =>
            Once("series:" + name + ":" + reason, () => Log.MeterSeriesRefused(_logger, instrument.Meter.Name, name, reason)));
        _bindings[binding] = true;
        if (!instrument.IsObservable)
        {
            listener.EnableMeasurementEvents(instrument, binding);
            return;
        }

        var reader = new ObservableReader(instrument, binding, rule.Namespace, ex =>
            Once("observe:" + instrument.Name + ":" + ex.GetType().FullName, () => Log.MeterCallbackFailed(_logger, ex.GetType().Name, ex.Message)), Forget);
        lock (_readersGate)
        {
            if (_disposed)
            {
                reader.Dispose();
                return;
            }

            Volatile.Write(ref _readers, [.. _readers, reader]);
        }
    }

    /// <summary>An observable instrument's meter was disposed: its reader and binding go.</summary>
    private void Forget(ObservableReader reader, InstrumentBinding binding)
    {
        _bindings.TryRemove(binding, out _);
        lock (_readersGate)
        {
            Volatile.Write(ref _readers, _readers.Where(r => r != reader).ToArray());
        }
    }

    private static bool Matches(MeterBridgeOptions rule, Instrument instrument)
    {
        return MeterMatches(rule, instrument.Meter.Name) && (rule.Instruments.Count == 0 || rule.Instruments.Contains(instrument.Name, StringComparer.Ordinal));
    }

    /// <summary>Whether the rule names this meter (exactly, or by a prefix ending in <c>*</c>).</summary>
    internal static bool MeterMatches(MeterBridgeOptions rule, string meter)
        => rule.Name.EndsWith('*')
            ? meter.StartsWith(rule.Name[..^1], StringComparison.Ordinal)
            : string.Equals(meter, rule.Name, StringComparison.Ordinal);

    private static BridgeKind? Kind(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Counter<>) ? BridgeKind.Sum
            : definition == typeof(Histogram<>) ? BridgeKind.Distribution
            : definition == typeof(UpDownCounter<>) ? BridgeKind.RunningValue
            : definition == typeof(ObservableCounter<>) ? BridgeKind.CumulativeSum
            : definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>) ? BridgeKind.LastValue
#if NET9_0_OR_GREATER
            : definition == typeof(Gauge<>) ? BridgeKind.LastValue
#endif
            : null;
    }

    private void Once(string key, Action log)
    {
        if (_loggedOnce.TryAdd(key, true))
        {
            log();
        }
    }
}
