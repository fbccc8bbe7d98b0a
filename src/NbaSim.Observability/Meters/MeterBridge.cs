using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using NbaSim.Observability.Internal;

namespace NbaSim.Observability.Meters;

/// <summary>
/// Publishes the instruments of configured .NET meters (<c>NbaObservability:Meters</c>) through the registry, so they
/// are aggregated, batched and exported like every other series. A <see cref="MeterListener"/> sees instruments
/// created before and after start; observable instruments are read at the start of each collection; a disposed meter
/// simply stops reporting.
/// </summary>
internal sealed class MeterBridge : IDisposable
{
    private readonly MetricRegistry _registry;
    private readonly IReadOnlyList<MeterBridgeOptions> _rules;
    private readonly ILogger _logger;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<string, bool> _loggedOnce = new(StringComparer.Ordinal);
    private readonly object _observeGate = new(); // net8.0 has no System.Threading.Lock

    public MeterBridge(MetricRegistry registry, IReadOnlyList<MeterBridgeOptions> rules, ILogger logger)
    {
        _registry = registry;
        _rules = rules;
        _logger = logger;
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished };
        _listener.SetMeasurementEventCallback<double>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record((double)m, tags));
        _listener.Start();
        registry.BeforeCollect += RecordObservables;
    }

    public void Dispose()
    {
        _registry.BeforeCollect -= RecordObservables;
        _listener.Dispose();
    }

    /// <summary>Reads the observable instruments now (the last time, at shutdown).</summary>
    public void RecordObservablesNow() => RecordObservables();

    private void RecordObservables()
    {
        // The collector and the shutdown may both read: one at a time, so a running total's increase is counted once.
        lock (_observeGate)
        {
            RecordObservablesLocked();
        }
    }

    private void RecordObservablesLocked()
    {
        try
        {
            _listener.RecordObservableInstruments();
        }
        catch (Exception ex)
        {
            // An observable instrument's callback threw: that instrument's value is missing for this period only.
            Once("observe:" + ex.GetType().FullName, () => Log.MeterCallbackFailed(_logger, ex.GetType().Name, ex.Message));
        }
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
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
        listener.EnableMeasurementEvents(instrument, binding);
    }

    private static bool Matches(MeterBridgeOptions rule, Instrument instrument)
    {
        var meter = instrument.Meter.Name;
        var named = rule.Name.EndsWith('*')
            ? meter.StartsWith(rule.Name[..^1], StringComparison.Ordinal)
            : string.Equals(meter, rule.Name, StringComparison.Ordinal);
        return named && (rule.Instruments.Count == 0 || rule.Instruments.Contains(instrument.Name, StringComparer.Ordinal));
    }

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
