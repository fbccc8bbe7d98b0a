namespace NbaSim.Observability.Cli.Doctor;

/// <summary>One evaluation of a replayed alarm: at the end of a period, the state CloudWatch would have set.</summary>
internal readonly record struct AlarmEvaluation(DateTimeOffset At, AlarmState State);

/// <summary>What replaying an alarm on its metric's data shows.</summary>
/// <param name="Evaluations">One per complete period of the window, oldest first.</param>
/// <param name="FiredAt">The evaluations that moved the alarm into ALARM (its actions run then).</param>
/// <param name="Closest">The value nearest to firing: the largest for a greater-than alarm, the smallest for a less-than one; null without data.</param>
/// <param name="DataPoints">Datapoints inside the window.</param>
internal sealed record AlarmReplayResult(IReadOnlyList<AlarmEvaluation> Evaluations, IReadOnlyList<DateTimeOffset> FiredAt, double? Closest, int DataPoints)
{
    /// <summary>The state after the last evaluation.</summary>
    public AlarmState Final => Evaluations.Count == 0 ? AlarmState.InsufficientData : Evaluations[^1].State;
}

/// <summary>
/// Replays a static-threshold alarm on a metric's datapoints with CloudWatch's documented evaluation rules
/// ("Evaluating an alarm", "Configuring how CloudWatch alarms treat missing data"):
/// <list type="bullet">
/// <item>At the end of every period the alarm looks at an evaluation range of <see cref="ExtraRangePeriods"/> more periods
/// than EvaluationPeriods (N), and DatapointsToAlarm (M, default N) of them must breach.</item>
/// <item>When the range holds N or more real datapoints, the most recent N decide and missing data is not consulted.</item>
/// <item>When it holds none: <c>missing</c> goes to INSUFFICIENT_DATA, <c>ignore</c> keeps the state, <c>breaching</c>
/// fires, <c>notBreaching</c> is OK.</item>
/// <item>When it holds fewer than N: <c>breaching</c> and <c>notBreaching</c> fill the gap; <c>missing</c> and
/// <c>ignore</c> decide only when the real datapoints settle it (M breach: ALARM; too few can breach: OK) and otherwise
/// keep the state, which is how CloudWatch avoids premature transitions.</item>
/// </list>
/// The size of the evaluation range is internal to CloudWatch; its documentation's example (3 of 3) retrieves 5
/// periods, so the range here is N + 2. Anomaly-band and metric-math alarms are not replayed: their threshold is
/// computed by CloudWatch.
/// </summary>
internal static class AlarmReplay
{
    /// <summary>How many periods beyond EvaluationPeriods the evaluation range holds.</summary>
    public const int ExtraRangePeriods = 2;

    /// <summary>True when <paramref name="alarm"/> is a single-metric, static-threshold alarm this class can replay.</summary>
    public static bool CanReplay(MetricAlarmDefinition alarm)
        => alarm is { Threshold: not null, Period: > 0, EvaluationPeriods: > 0, Metrics.Count: 0, MetricName: not null }
            && Breaches(alarm.ComparisonOperator, 0, 0) is not null;

    /// <summary>
    /// Replays <paramref name="alarm"/> on <paramref name="data"/> (one value per period, stamped with the period's start)
    /// over the periods between <paramref name="from"/> and <paramref name="to"/> (the one in progress included), starting in <paramref name="initial"/>.
    /// Data before <paramref name="from"/> counts in the first evaluation ranges, as it does in CloudWatch.
    /// </summary>
    /// <exception cref="ArgumentException">The alarm cannot be replayed (<see cref="CanReplay"/>).</exception>
    public static AlarmReplayResult Replay(MetricAlarmDefinition alarm, IReadOnlyList<(DateTimeOffset Timestamp, double Value)> data, DateTimeOffset from, DateTimeOffset to, AlarmState initial = AlarmState.InsufficientData)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        ArgumentNullException.ThrowIfNull(data);
        if (!CanReplay(alarm))
        {
            throw new ArgumentException($"Alarm {alarm.AlarmName} is not a single-metric static-threshold alarm; CloudWatch computes its threshold.", nameof(alarm));
        }

        var period = alarm.Period!.Value;
        var threshold = alarm.Threshold!.Value;
        var n = alarm.EvaluationPeriods;
        var m = Math.Clamp(alarm.DatapointsToAlarm ?? n, 1, n);
        var range = n + ExtraRangePeriods;
        var treatment = alarm.TreatMissingData ?? "missing";
        var greater = alarm.ComparisonOperator.StartsWith("Greater", StringComparison.Ordinal);

        var values = new Dictionary<long, double>();
        foreach (var (timestamp, value) in data)
        {
            // The period a datapoint belongs to; a later duplicate of the same period wins (GetMetricData returns one).
            values[PeriodIndex(timestamp, period)] = value;
        }

        var first = PeriodIndex(from, period) + (from.ToUnixTimeSeconds() % period == 0 ? 0 : 1);
        var last = PeriodIndex(to.AddSeconds(-1), period); // the period in progress counts: CloudWatch evaluates its partial datapoint too
        var evaluations = new List<AlarmEvaluation>();
        var fired = new List<DateTimeOffset>();
        var state = initial;
        double? closest = null;
        var inWindow = 0;
        var window = new List<bool>(range);
        for (var k = first; k <= last; k++)
        {
            if (values.TryGetValue(k, out var current))
            {
                inWindow++;
                closest = closest is null ? current : greater ? Math.Max(closest.Value, current) : Math.Min(closest.Value, current);
            }

            window.Clear();
            for (var j = k - range + 1; j <= k; j++)
            {
                if (values.TryGetValue(j, out var v))
                {
                    window.Add(Breaches(alarm.ComparisonOperator, v, threshold)!.Value);
                }
            }

            var next = Evaluate(window, n, m, treatment, state);
            var at = DateTimeOffset.FromUnixTimeSeconds(Math.Min((k + 1) * period, to.ToUnixTimeSeconds()));
            if (next == AlarmState.Alarm && state != AlarmState.Alarm)
            {
                fired.Add(at);
            }

            state = next;
            evaluations.Add(new AlarmEvaluation(at, state));
        }

        return new AlarmReplayResult(evaluations, fired, closest, inWindow);
    }

    /// <summary>One evaluation: <paramref name="present"/> holds, oldest first, whether each real datapoint of the range breaches.</summary>
    internal static AlarmState Evaluate(IReadOnlyList<bool> present, int n, int m, string treatment, AlarmState current)
    {
        if (present.Count >= n)
        {
            // Enough real datapoints: the most recent N decide, missing data is not consulted.
            var breaching = 0;
            for (var i = present.Count - n; i < present.Count; i++)
            {
                breaching += present[i] ? 1 : 0;
            }

            return breaching >= m ? AlarmState.Alarm : AlarmState.Ok;
        }

        var real = present.Count(b => b);
        var missing = n - present.Count;
        return treatment switch
        {
            "breaching" => real + missing >= m ? AlarmState.Alarm : AlarmState.Ok,
            "notBreaching" => real >= m ? AlarmState.Alarm : AlarmState.Ok,
            _ when present.Count == 0 => treatment == "ignore" ? current : AlarmState.InsufficientData,
            _ when real >= m => AlarmState.Alarm,
            _ when present.Count - real > n - m => AlarmState.Ok, // even if every missing one breached, fewer than M would
            _ => current,
        };
    }

    /// <summary>Whether <paramref name="value"/> breaches <paramref name="threshold"/>; null for operators without a static threshold.</summary>
    internal static bool? Breaches(string comparisonOperator, double value, double threshold) => comparisonOperator switch
    {
        "GreaterThanThreshold" => value > threshold,
        "GreaterThanOrEqualToThreshold" => value >= threshold,
        "LessThanThreshold" => value < threshold,
        "LessThanOrEqualToThreshold" => value <= threshold,
        _ => null,
    };

    private static long PeriodIndex(DateTimeOffset t, int period) => (long)Math.Floor(t.ToUnixTimeSeconds() / (double)period);
}
