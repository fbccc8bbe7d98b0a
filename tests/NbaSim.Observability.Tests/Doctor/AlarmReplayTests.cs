using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Cli.Doctor;

namespace NbaSim.Observability.Tests.Doctor;

/// <summary>
/// The replay against evaluations computed by hand from CloudWatch's documented rules, on the seed's four alarms as
/// NbaMonitoring ships them (the definitions are read from the product, so a changed threshold changes these cases).
/// </summary>
public sealed class AlarmReplayTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static MetricAlarmDefinition Seed(string name)
        => NbaMonitoring.Alarms(new MonitoringContext("us-east-1", "123456789012", "nba-simulator-alerts", 150m, [], "bucket")).Single(a => a.AlarmName == name);

    private static List<(DateTimeOffset, double)> Periods(DateTimeOffset start, int periodSeconds, params double?[] values)
        => values.Select((v, i) => (At: start.AddSeconds(i * periodSeconds), Value: v)).Where(p => p.Value is not null).Select(p => (p.At, p.Value!.Value)).ToList();

    [Fact]
    public void ADCE_HighFailureRate_fires_after_two_5_minute_periods_below_95_and_not_after_one()
    {
        var alarm = Seed("ADCE-HighFailureRate");
        alarm.Should().Match<MetricAlarmDefinition>(a => a.Period == 300 && a.EvaluationPeriods == 2 && a.Threshold == 95 && a.TreatMissingData == "notBreaching");

        // 10:00 = 90 %, 10:05 = 91 %: the evaluation at 10:10 sees two breaching datapoints.
        var two = AlarmReplay.Replay(alarm, Periods(T0, 300, 90, 91), T0.AddMinutes(-30), T0.AddMinutes(60));
        two.FiredAt.Should().Equal(T0.AddMinutes(10));

        // It stays in ALARM while both datapoints are within the 4-period evaluation range (until 10:20), then the
        // range holds one breaching datapoint and a missing one treated as not breaching: OK at 10:25.
        two.Evaluations.Where(e => e.State == AlarmState.Alarm).Select(e => e.At).Should().Equal(T0.AddMinutes(10), T0.AddMinutes(15), T0.AddMinutes(20));
        two.Evaluations.Single(e => e.At == T0.AddMinutes(25)).State.Should().Be(AlarmState.Ok);
        two.Closest.Should().Be(90);

        // One period below, the next at 97 %: the most recent two datapoints hold one breach.
        AlarmReplay.Replay(alarm, Periods(T0, 300, 90, 97), T0.AddMinutes(-30), T0.AddMinutes(60)).FiredAt.Should().BeEmpty();

        // One period below and nothing else: the missing one is not breaching.
        AlarmReplay.Replay(alarm, Periods(T0, 300, 90), T0.AddMinutes(-30), T0.AddMinutes(60)).FiredAt.Should().BeEmpty();

        // 95 % is not below 95 %.
        AlarmReplay.Replay(alarm, Periods(T0, 300, 95, 95), T0.AddMinutes(-30), T0.AddMinutes(60)).FiredAt.Should().BeEmpty();
    }

    [Fact]
    public void AWS_CostBudgetExceeded_fires_on_one_day_above_80_and_keeps_its_state_on_days_without_a_figure()
    {
        var alarm = Seed("AWS-CostBudgetExceeded");
        var day = TimeSpan.FromDays(1).TotalSeconds;
        var start = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

        var above = AlarmReplay.Replay(alarm, Periods(start, (int)day, 50, 85), start, start.AddDays(10));
        above.FiredAt.Should().Equal(start.AddDays(2));

        // TreatMissingData ignore: once the figure leaves the 3-day range, the state is kept, not cleared.
        above.Final.Should().Be(AlarmState.Alarm);

        AlarmReplay.Replay(alarm, Periods(start, (int)day, 50, 79.9, 80), start, start.AddDays(10)).FiredAt.Should().BeEmpty("80 % is not above 80 %");
    }

    [Fact]
    public void S3_UploadFailures_fires_on_two_periods_above_5_including_when_a_missing_period_lies_between()
    {
        var alarm = Seed("S3-UploadFailures");

        AlarmReplay.Replay(alarm, Periods(T0, 300, 6, 7), T0, T0.AddMinutes(40)).FiredAt.Should().Equal(T0.AddMinutes(10));
        AlarmReplay.Replay(alarm, Periods(T0, 300, 6, 0, 6), T0, T0.AddMinutes(40)).FiredAt.Should().BeEmpty();

        // 6, (nothing), 7: the range holds two real datapoints, the most recent two, and CloudWatch uses them without
        // consulting the missing one.
        AlarmReplay.Replay(alarm, Periods(T0, 300, 6, null, 7), T0, T0.AddMinutes(40)).FiredAt.Should().Equal(T0.AddMinutes(15));
    }

    [Fact]
    public void Data_QualityIssues_fires_on_one_hour_below_95()
    {
        var alarm = Seed("Data-QualityIssues");

        AlarmReplay.Replay(alarm, Periods(T0, 3600, 99, 94), T0, T0.AddHours(5)).FiredAt.Should().Equal(T0.AddHours(2));
        AlarmReplay.Replay(alarm, Periods(T0, 3600, 99, 95, 98), T0, T0.AddHours(5)).FiredAt.Should().BeEmpty();
    }

    /// <summary>
    /// CloudWatch's two documented tables ("How alarm state is evaluated when data is missing"), row by row: 0 a
    /// datapoint within the threshold, X a breaching one, - a missing one, oldest first; 5 datapoints retrieved.
    /// "retain" is the current state (given as ALARM, so retaining is visible).
    /// </summary>
    [Theory]
    [InlineData(3, 3, "0 - X - X", "OK", "OK", "OK", "OK")]
    [InlineData(3, 3, "0 - - - -", "OK", "OK", "OK", "OK")]
    [InlineData(3, 3, "- - - - -", "INSUFFICIENT_DATA", "retain", "ALARM", "OK")]
    [InlineData(3, 3, "0 X X - X", "ALARM", "ALARM", "ALARM", "ALARM")]
    [InlineData(3, 3, "- - - - X", "INSUFFICIENT_DATA", "retain", "ALARM", "OK")]
    [InlineData(3, 3, "X - - - -", "ALARM", "retain", "ALARM", "OK")]
    [InlineData(3, 2, "0 - X - X", "ALARM", "ALARM", "ALARM", "ALARM")]
    [InlineData(3, 2, "0 0 X 0 X", "ALARM", "ALARM", "ALARM", "ALARM")]
    [InlineData(3, 2, "0 - X - -", "OK", "OK", "ALARM", "OK")]
    [InlineData(3, 2, "- - - - 0", "OK", "OK", "ALARM", "OK")]
    [InlineData(3, 2, "- - - - X", "INSUFFICIENT_DATA", "retain", "ALARM", "OK")]
    public void Every_row_of_CloudWatchs_missing_data_tables(int n, int m, string datapoints, string missing, string ignore, string breaching, string notBreaching)
    {
        var range = datapoints.Split(' ').Select(p => p switch { "X" => true, "0" => false, _ => (bool?)null }).ToList();
        foreach (var (treatment, expected) in new[] { ("missing", missing), ("ignore", ignore), ("breaching", breaching), ("notBreaching", notBreaching) })
        {
            var state = expected switch { "OK" => AlarmState.Ok, "ALARM" => AlarmState.Alarm, "INSUFFICIENT_DATA" => AlarmState.InsufficientData, _ => AlarmState.Alarm };
            AlarmReplay.Evaluate(range, n, m, treatment, AlarmState.Alarm).Should().Be(state, $"{datapoints} with {m} of {n}, {treatment}");
        }

        // The same range through the replay: five 5-minute periods, evaluated at the end of the fifth.
        var alarm = Seed("ADCE-HighFailureRate") with { EvaluationPeriods = n, DatapointsToAlarm = m };
        foreach (var (treatment, expected) in new[] { ("missing", missing), ("ignore", ignore), ("breaching", breaching), ("notBreaching", notBreaching) })
        {
            var data = range.Select((p, i) => (At: T0.AddMinutes(5 * i), P: p)).Where(p => p.P is not null).Select(p => (p.At, p.P!.Value ? 90d : 99d)).ToList();
            var replay = AlarmReplay.Replay(alarm with { TreatMissingData = treatment }, data, T0.AddMinutes(20), T0.AddMinutes(25), AlarmState.Alarm);
            var state = expected switch { "OK" => AlarmState.Ok, "ALARM" => AlarmState.Alarm, "INSUFFICIENT_DATA" => AlarmState.InsufficientData, _ => AlarmState.Alarm };
            replay.Evaluations.Should().ContainSingle().Which.State.Should().Be(state, $"{datapoints} with {m} of {n}, {treatment}, replayed");
        }
    }

    [Fact]
    public void Datapoints_to_alarm_counts_breaches_among_the_most_recent_N_real_datapoints()
    {
        AlarmReplay.Evaluate([true, false, true, false, true], n: 3, m: 2, "missing", AlarmState.Ok).Should().Be(AlarmState.Alarm);
        AlarmReplay.Evaluate([true, true, false, false, true], n: 3, m: 2, "missing", AlarmState.Alarm).Should().Be(AlarmState.Ok);
    }

    [Fact]
    public void Anomaly_band_alarms_are_not_replayed()
    {
        var anomaly = Seed("ADCE-QueueDepthAnomaly");

        AlarmReplay.CanReplay(anomaly).Should().BeFalse();
        var act = () => AlarmReplay.Replay(anomaly, [], T0, T0.AddHours(1));
        act.Should().Throw<ArgumentException>().WithMessage("*ADCE-QueueDepthAnomaly*");
    }
}
