using System.Globalization;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.CloudWatch;
using NbaSim.Observability.Cli.Doctor;
using NbaSim.Observability.Tests.Doctor;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>Red team, issue 29, second round (nbaobs doctor): each test failed on 3fac399.</summary>
public sealed class RedTeam29bAttackTests(DoctorAccount account) : IClassFixture<DoctorAccount>
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private static MetricAlarmDefinition Seed(string name)
        => NbaMonitoring.Alarms(new MonitoringContext("us-east-1", "123456789012", "nba-simulator-alerts", 150m, [], "bucket")).Single(a => a.AlarmName == name);

    private static DoctorFinding Alarm(IReadOnlyList<DoctorFinding> findings, string name)
        => findings.Single(f => f.Check == "alarm" && f.Subject == name);

    /// <summary>A healthy, applied account with one of the shipped alarms redeployed as <paramref name="drift"/> makes it.</summary>
    private async Task<IReadOnlyList<DoctorFinding>> RunWithDriftedAlarm(string name, Func<MetricAlarmDefinition, MetricAlarmDefinition> drift)
    {
        await account.ResetAsync();
        var definitions = DoctorAccount.Definitions(DoctorAccount.Monitoring("oncall@example.com"));
        await account.ApplyAsync(definitions);
        await account.PublishHealthyAsync(definitions, Now.AddSeconds(-30));
        var alarm = definitions.Alarms.Single(a => a.AlarmName == name);
        await account.CloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest(drift(alarm)), TestContext.Current.CancellationToken);
        return await DoctorAccount.RunAsync(account.Inputs());
    }

    // ---------------------------------------------------------------- false ok: an alarm that notifies no one

    [Fact]
    public async Task An_alarm_whose_actions_are_disabled_is_not_reported_ok()
    {
        // 'aws cloudwatch disable-alarm-actions' (or a drifted ActionsEnabled): the alarm changes state, and nobody hears.
        var findings = await RunWithDriftedAlarm("ADCE-HighFailureRate", a => a with { ActionsEnabled = false });

        Alarm(findings, "ADCE-HighFailureRate").Status.Should().NotBe(DoctorStatus.Ok, "an alarm with ActionsEnabled=false never notifies the topic: {0}", Alarm(findings, "ADCE-HighFailureRate").Detail);
    }

    [Fact]
    public async Task An_alarm_deployed_without_any_action_is_not_reported_ok()
    {
        // The topic check reads the shipped definition's actions, so the topic is "ok"; the deployed alarm has none.
        var findings = await RunWithDriftedAlarm("ADCE-HighFailureRate", a => a with { AlarmActions = [] });

        Alarm(findings, "ADCE-HighFailureRate").Status.Should().NotBe(DoctorStatus.Ok, "the deployed alarm has no AlarmActions, so firing notifies no one: {0}", Alarm(findings, "ADCE-HighFailureRate").Detail);
    }

    // ---------------------------------------------------------------- culture

    [Fact]
    public async Task The_cost_data_date_is_the_same_under_a_non_Gregorian_culture()
    {
        await account.ResetAsync();
        var yesterday = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-1);
        await account.SeedCostAsync(yesterday, 3.5m);
        var saved = CultureInfo.CurrentCulture;
        IReadOnlyList<DoctorFinding> findings;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("th-TH"); // LC_ALL=th_TH.UTF-8: Thai Buddhist calendar
            findings = await DoctorAccount.RunAsync(account.Inputs());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        findings.Single(f => f.Check == "cost-data").Detail.Should().Contain(yesterday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    // ---------------------------------------------------------------- hostile values

    [Fact]
    public void A_NaN_datapoint_from_the_server_does_not_erase_the_closest_value()
    {
        var alarm = Seed("ADCE-HighFailureRate"); // Average < 95, 2 of 2, 300 s
        var data = new List<(DateTimeOffset, double)> { (T0, 90), (T0.AddMinutes(5), double.NaN), (T0.AddMinutes(10), 97) };

        var replay = AlarmReplay.Replay(alarm, data, T0, T0.AddMinutes(20));

        replay.Closest.Should().Be(90, "90 is the value nearest to firing; NaN is no value");
    }
}
