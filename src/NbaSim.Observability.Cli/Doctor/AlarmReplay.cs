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
/// Replays a static-threshold alarm on a metric's datapoints with CloudWatch's documented evaluation ("Evaluating an
/// alarm", "How alarm state is evaluated when data is missing", both tables of which AlarmReplayTests encode):
/// <list type="bullet">
/// <item>At the end of every period (and for the period in progress) the alarm retrieves an evaluation range of
/// <see cref="ExtraRangePeriods"/> more periods than EvaluationPeriods (N); DatapointsToAlarm (M, default N) decides.</item>
/// <item>N or more real datapoints in the range: the most recent N are evaluated, missing data is not consulted.</item>
/// <item>None: <c>missing</c> gives INSUFFICIENT_DATA, <c>ignore</c> keeps the state, <c>breaching</c> ALARM,
/// <c>notBreaching</c> OK.</item>
/// <item>Fewer than N: every real datapoint is evaluated and missing ones fill the rest. <c>breaching</c> and
/// <c>notBreaching</c> fill as they say. With <c>missing</c> and <c>ignore</c>, M real breaches give ALARM and any real
/// non-breaching datapoint OK; when every real one breaches but fewer than M, <c>missing</c> gives ALARM if the oldest
/// evaluated datapoint is real (CloudWatch's "X - - - -") and INSUFFICIENT_DATA if it is a filled one ("- - - - X"),
/// and <c>ignore</c> keeps the state.</item>
/// </list>
/// The size of the evaluation range is internal to CloudWatch; its documentation's examples (3 of 3, 2 of 3) retrieve 5
/// periods, so the range here is N + 2. Anomaly-band and metric-math alarms are not replayed: CloudWatch computes their
/// threshold. Alarms outside CloudWatch's own limits (N × Period over 7 days, a period under 10 s) are not replayed either.
/// </summary>
internal static class AlarmReplay
{
    /// <summary>How many periods beyond EvaluationPeriods the evaluation range holds.</summary>
    public const int ExtraRangePeriods = 2;

    /// <summary>Longest EvaluationPeriods × Period CloudWatch accepts (7 days, for periods of an hour or more).</summary>
    public const long MaxEvaluationSeconds = 7 * 24 * 3600;

    /// <summary>True when <paramref name="alarm"/> is a single-metric, static-threshold alarm within CloudWatch's limits.</summary>
    public static bool CanReplay(MetricAlarmDefinition alarm)
        => alarm is { Threshold: not null, Period: >= 10, EvaluationPeriods: > 0, Metrics.Count: 0, MetricName: not null }
            && (long)alarm.EvaluationPeriods * alarm.Period.Value <= MaxEvaluationSeconds
            && Breaches(alarm.ComparisonOperator, 0, 0) is not null;

    /// <summary>
    /// Replays <paramref name="alarm"/> on <paramref name="data"/> (one value per period, stamped with the period's start)
    /// over the periods between <paramref name="from"/> and <paramref name="to"/> (the one in progress included), starting in <paramref name="initial"/>.
    /// Data before <paramref name="from"/> counts in the first evaluation ranges, as it does in CloudWatch. Linear in the
    /// periods and datapoints, whatever N is.
    /// </summary>
    /// <exception cref="ArgumentException">The alarm cannot be replayed (<see cref="CanReplay"/>).</exception>
    public static AlarmReplayResult Replay(MetricAlarmDefinition alarm, IReadOnlyList<(DateTimeOffset Timestamp, double Value)> data, DateTimeOffset from, DateTimeOffset to, AlarmState initial = AlarmState.InsufficientData)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        ArgumentNullException.ThrowIfNull(data);
        if (!CanReplay(alarm))
        {
            throw new ArgumentException($"Alarm {alarm.AlarmName} is not a single-metric static-threshold alarm within CloudWatch's limits; it is not replayed.", nameof(alarm));
        }

        var period = alarm.Period!.Value;
        var threshold = alarm.Threshold!.Value;
        var n = alarm.EvaluationPeriods;
        var m = Math.Clamp(alarm.DatapointsToAlarm ?? n, 1, n);
        var range = n + ExtraRangePeriods;
        var treatment = alarm.TreatMissingData ?? "missing";
        var greater = alarm.ComparisonOperator.StartsWith("Greater", StringComparison.Ordinal);

        // One value per period (a later duplicate wins), in period order, with a running count of breaches.
        var byPeriod = new SortedDictionary<long, double>();
        foreach (var (timestamp, value) in data)
        {
            // NaN or an infinity is no value CloudWatch stores; a server that sends one must not decide a state.
            if (double.IsFinite(value))
            {
                byPeriod[PeriodIndex(timestamp, period)] = value;
            }
        }

        var index = byPeriod.Keys.ToArray();
        var breaches = new int[index.Length + 1];
        var values = byPeriod.Values.ToArray();
        for (var i = 0; i < index.Length; i++)
        {
            breaches[i + 1] = breaches[i] + (Breaches(alarm.ComparisonOperator, values[i], threshold)!.Value ? 1 : 0);
        }

        var first = PeriodIndex(from, period) + (from.ToUnixTimeSeconds() % period == 0 ? 0 : 1);
        var last = PeriodIndex(to.AddSeconds(-1), period); // the period in progress counts: CloudWatch evaluates its partial datapoint too
        var evaluations = new List<AlarmEvaluation>();
        var fired = new List<DateTimeOffset>();
        var state = initial;
        double? closest = null;
        var inWindow = 0;
        int lo = 0, hi = 0;
        for (var k = first; k <= last; k++)
        {
            var rangeStart = k - range + 1;
            while (hi < index.Length && index[hi] <= k)
            {
                if (index[hi] >= first)
                {
                    inWindow++;
                    closest = closest is null ? values[hi] : greater ? Math.Max(closest.Value, values[hi]) : Math.Min(closest.Value, values[hi]);
                }

                hi++;
            }

            while (lo < hi && index[lo] < rangeStart)
            {
                lo++;
            }

            var real = hi - lo;
            var next = real >= n
                ? (breaches[hi] - breaches[hi - n] >= m ? AlarmState.Alarm : AlarmState.Ok)
                : Decide(real, breaches[hi] - breaches[lo], real > 0 && index[lo] - rangeStart <= range - n, n, m, treatment, state);
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

    /// <summary>
    /// One evaluation of a range given as CloudWatch's tables write it: oldest first, <c>null</c> for a missing
    /// datapoint, <c>true</c> for a breaching one.
    /// </summary>
    internal static AlarmState Evaluate(IReadOnlyList<bool?> range, int n, int m, string treatment, AlarmState current)
    {
        ArgumentNullException.ThrowIfNull(range);
        var real = range.Where(p => p is not null).Select(p => p!.Value).ToList();
        if (real.Count >= n)
        {
            return real.TakeLast(n).Count(b => b) >= m ? AlarmState.Alarm : AlarmState.Ok;
        }

        var oldest = range.ToList().FindIndex(p => p is not null);
        return Decide(real.Count, real.Count(b => b), oldest >= 0 && oldest <= range.Count - n, n, m, treatment, current);
    }

    /// <summary>
    /// The state from fewer than N real datapoints: <paramref name="real"/> of them, <paramref name="breaching"/> breaching,
    /// and whether the oldest evaluated datapoint is a real one (CloudWatch evaluates the N periods that include every
    /// real datapoint with as few filled ones as possible).
    /// </summary>
    private static AlarmState Decide(int real, int breaching, bool oldestEvaluatedIsReal, int n, int m, string treatment, AlarmState current)
    {
        if (real == 0)
        {
            return treatment switch
            {
                "breaching" => AlarmState.Alarm,
                "notBreaching" => AlarmState.Ok,
                "ignore" => current,
                _ => AlarmState.InsufficientData,
            };
        }

        return treatment switch
        {
            "breaching" => breaching + (n - real) >= m ? AlarmState.Alarm : AlarmState.Ok,
            "notBreaching" => breaching >= m ? AlarmState.Alarm : AlarmState.Ok,
            _ when breaching >= m => AlarmState.Alarm,
            _ when breaching < real => AlarmState.Ok, // a real datapoint within the threshold
            "ignore" => current,
            _ => oldestEvaluatedIsReal ? AlarmState.Alarm : AlarmState.InsufficientData,
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
