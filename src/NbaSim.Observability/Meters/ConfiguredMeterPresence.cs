using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using NbaSim.Observability.Configuration.Schema;
using NbaSim.Observability.Internal;

namespace NbaSim.Observability.Meters;

/// <summary>
/// Notices configured meters and instruments that never appear: a misspelt meter name (<c>Microsoft.AspNetCore.Hostng</c>)
/// matches nothing and would be silent forever. One grace period after start-up each configured meter that published no
/// instrument, and each listed instrument that was not seen, is logged once, with the closest name that was seen.
/// </summary>
internal sealed class ConfiguredMeterPresence : IDisposable
{
    /// <summary>Meter names, and instrument names per rule, remembered for suggestions; more are not kept (meters created per tenant).</summary>
    internal const int MaxRememberedNames = 512;

    private readonly IReadOnlyList<MeterBridgeOptions> _rules;
    private readonly ILogger _logger;
    private readonly TimeSpan _grace;
    private readonly ConcurrentDictionary<string, byte> _meters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int Rule, string Instrument), byte> _instruments = new();
    private readonly int[] _ruleSeen;
    private readonly int[] _ruleRemembered;
    private readonly ITimer _timer;

    public ConfiguredMeterPresence(IReadOnlyList<MeterBridgeOptions> rules, ILogger logger, TimeProvider time, TimeSpan grace)
    {
        _rules = rules;
        _logger = logger;
        _grace = grace;
        _ruleSeen = new int[rules.Count];
        _ruleRemembered = new int[rules.Count];
        _timer = time.CreateTimer(static state => ((ConfiguredMeterPresence)state!).Report(), this, grace, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Remembers an instrument the process published (any meter, configured or not).</summary>
    public void Observe(Instrument instrument)
    {
        var meter = instrument.Meter.Name;
        if (_meters.Count < MaxRememberedNames)
        {
            _meters.TryAdd(meter, 0);
        }

        for (var i = 0; i < _rules.Count; i++)
        {
            if (!MeterBridge.MeterMatches(_rules[i], meter))
            {
                continue;
            }

            // Seen is remembered whatever the bound: a rule is never reported missing because another filled it.
            Volatile.Write(ref _ruleSeen[i], 1);
            if (Volatile.Read(ref _ruleRemembered[i]) < MaxRememberedNames && _instruments.TryAdd((i, instrument.Name), 0))
            {
                Interlocked.Increment(ref _ruleRemembered[i]);
            }
        }
    }

    /// <summary>Logs what never appeared; called once, when the grace period ends.</summary>
    internal void Report()
    {
        for (var i = 0; i < _rules.Count; i++)
        {
            var rule = _rules[i];
            var seen = _instruments.Keys.Where(k => k.Rule == i).Select(k => k.Instrument).Order(StringComparer.Ordinal).ToList();
            if (Volatile.Read(ref _ruleSeen[i]) == 0)
            {
                var closest = ConfigurationCheck.Closest(rule.Name.TrimEnd('*'), _meters.Keys);
                Log.ConfiguredMeterNeverSeen(_logger, i, rule.Name, _grace, closest is null ? "no meter with a similar name was seen" : $"did you mean '{closest}'?");
                continue;
            }

            if (Volatile.Read(ref _ruleRemembered[i]) >= MaxRememberedNames)
            {
                continue; // more instruments than remembered: an unseen name may be among the forgotten ones
            }

            for (var j = 0; j < rule.Instruments.Count; j++)
            {
                if (!seen.Contains(rule.Instruments[j], StringComparer.Ordinal))
                {
                    var closest = ConfigurationCheck.Closest(rule.Instruments[j], seen);
                    Log.ConfiguredInstrumentNeverSeen(_logger, i, j, rule.Instruments[j], rule.Name, _grace,
                        closest is null ? $"instruments seen: {string.Join(", ", seen.Take(10))}" : $"did you mean '{closest}'?");
                }
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
