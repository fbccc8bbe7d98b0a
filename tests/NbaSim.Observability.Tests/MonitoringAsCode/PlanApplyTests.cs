using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.Sns;
using NbaSim.Observability.Cli.MonitoringAsCode;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.MonitoringAsCode;

[CollectionDefinition(nameof(MonitoringDeploySerial))]
public sealed class MonitoringDeploySerial;

/// <summary>plan/apply against moto: the second apply changes nothing; a definition change is exactly that change.</summary>
[Collection(nameof(MonitoringDeploySerial))]
public sealed class PlanApplyTests(MotoServer moto)
{
    private static readonly MonitoringContext Context = new("us-east-1", "123456789012", "nba-simulator-alerts", 150m, ["DataExtraction", "S3Upload", "Validation"], "nba-sim-raw-data-lake");

    [Fact]
    public async Task Apply_creates_everything_and_a_second_apply_changes_nothing()
    {
        var (cloudWatch, sns) = await ClientsAsync();
        using var _ = cloudWatch;
        using var __ = sns;
        var options = new MonitoringOptions { AlertEmails = ["oncall@example.com"], AlertPhoneNumbers = ["+15555550100"] };
        var definitions = MonitoringDefinitions.For(Context, options);
        var planner = new MonitoringPlanner(cloudWatch, sns);

        await planner.ApplyAsync(definitions, await planner.PlanAsync(definitions, cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        var dashboardsBefore = await cloudWatch.ListDashboardsAsync(new ListDashboardsRequest { DashboardNamePrefix = "NBA-Simulator-" }, TestContext.Current.CancellationToken);
        var second = await planner.PlanAsync(definitions, cancellationToken: TestContext.Current.CancellationToken);
        await planner.ApplyAsync(definitions, second, TestContext.Current.CancellationToken);
        var dashboardsAfter = await cloudWatch.ListDashboardsAsync(new ListDashboardsRequest { DashboardNamePrefix = "NBA-Simulator-" }, TestContext.Current.CancellationToken);

        second.IsEmpty.Should().BeTrue(second.Render());
        second.Changes.Where(c => c.Kind == "dashboard").Should().HaveCount(3);
        second.Changes.Where(c => c.Kind == "alarm").Should().HaveCount(11, "the original four, DIMS drift, queue-depth anomaly, three duration regressions, failed tests and the pipeline regression");
        second.Changes.Where(c => c.Kind == "subscription").Select(c => c.Name).Should().BeEquivalentTo(["email:oncall@example.com", "sms:+15555550100"]);
        dashboardsAfter.DashboardEntries.Select(e => (e.DashboardName, e.LastModified)).Should().BeEquivalentTo(dashboardsBefore.DashboardEntries.Select(e => (e.DashboardName, e.LastModified)), "nothing was rewritten");
        var attributes = await sns.GetTopicAttributesAsync(new GetTopicAttributesRequest { TopicArn = Context.AlertTopicArn }, TestContext.Current.CancellationToken);
        attributes.Attributes["Policy"].Should().Contain("cloudwatch.amazonaws.com");
    }

    [Fact]
    public async Task A_changed_threshold_and_a_changed_widget_show_up_as_exactly_those_changes()
    {
        var (cloudWatch, sns) = await ClientsAsync();
        using var _ = cloudWatch;
        using var __ = sns;
        var definitions = MonitoringDefinitions.For(Context, new MonitoringOptions());
        var planner = new MonitoringPlanner(cloudWatch, sns);
        await planner.ApplyAsync(definitions, await planner.PlanAsync(definitions, cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        var changed = definitions with
        {
            Alarms = definitions.Alarms.Select(a => a.AlarmName == "ADCE-HighFailureRate" ? a with { Threshold = 90 } : a).ToList(),
            Dashboards = definitions.Dashboards.Select(d => d.Name == "NBA-Simulator-Performance"
                ? d with { Widgets = d.Widgets.Select(w => w is MetricWidget { Title: "Budget Utilization %" } m ? m with { Title = "Budget used" } : w).ToList() }
                : d).ToList(),
        };
        var plan = await planner.PlanAsync(changed, cancellationToken: TestContext.Current.CancellationToken);

        plan.Changes.Where(c => c.Action != ChangeAction.Unchanged).Should().BeEquivalentTo(
        [
            new ResourceChange("dashboard", "NBA-Simulator-Performance", ChangeAction.Update, ["widgets[2].properties.title"]),
            new ResourceChange("alarm", "ADCE-HighFailureRate", ChangeAction.Update, ["Threshold"]),
        ]);
    }

    [Fact]
    public async Task Only_our_resources_are_pruned_and_only_with_prune()
    {
        var (cloudWatch, sns) = await ClientsAsync();
        using var _ = cloudWatch;
        using var __ = sns;
        var run = Guid.NewGuid().ToString("N")[..6];
        var definitions = MonitoringDefinitions.For(Context, new MonitoringOptions());
        var planner = new MonitoringPlanner(cloudWatch, sns);
        var body = definitions.Dashboards[0].RenderBody(false);
        await cloudWatch.PutDashboardAsync(new PutDashboardRequest { DashboardName = $"NBA-Simulator-Retired-{run}", DashboardBody = body }, TestContext.Current.CancellationToken);
        await cloudWatch.PutDashboardAsync(new PutDashboardRequest { DashboardName = $"Other-Team-{run}", DashboardBody = body }, TestContext.Current.CancellationToken);
        await cloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest(new MetricAlarmDefinition { AlarmName = $"Retired-{run}", Namespace = "NBA-Simulator/ADCE", MetricName = "Old", Statistic = "Sum", Period = 60, EvaluationPeriods = 1, Threshold = 1, ComparisonOperator = "GreaterThanThreshold" }), TestContext.Current.CancellationToken);
        await cloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest(new MetricAlarmDefinition { AlarmName = $"Other-Team-{run}", Namespace = "Billing/Team", MetricName = "X", Statistic = "Sum", Period = 60, EvaluationPeriods = 1, Threshold = 1, ComparisonOperator = "GreaterThanThreshold" }), TestContext.Current.CancellationToken);

        var withoutPrune = await planner.PlanAsync(definitions, prune: false, TestContext.Current.CancellationToken);
        var withPrune = await planner.PlanAsync(definitions, prune: true, TestContext.Current.CancellationToken);

        withoutPrune.Changes.Should().NotContain(c => c.Action == ChangeAction.Delete);
        var deletes = withPrune.Changes.Where(c => c.Action == ChangeAction.Delete).Select(c => c.Name).ToList();
        deletes.Should().Contain([$"NBA-Simulator-Retired-{run}", $"Retired-{run}"]);
        deletes.Should().NotContain([$"Other-Team-{run}"]);

        var ours = withPrune with { Changes = withPrune.Changes.Where(c => c.Name.EndsWith(run, StringComparison.Ordinal)).ToList() };
        await planner.ApplyAsync(definitions, ours, TestContext.Current.CancellationToken);
        (await cloudWatch.ListDashboardsAsync(new ListDashboardsRequest { DashboardNamePrefix = $"NBA-Simulator-Retired-{run}" }, TestContext.Current.CancellationToken)).DashboardEntries.Should().BeEmpty();
        (await cloudWatch.ListDashboardsAsync(new ListDashboardsRequest { DashboardNamePrefix = $"Other-Team-{run}" }, TestContext.Current.CancellationToken)).DashboardEntries.Should().ContainSingle();
    }

    [Fact]
    public async Task The_cli_applies_against_a_fresh_endpoint_and_a_second_plan_reports_no_changes()
    {
        var url = await moto.UrlAsync();
        var (applyCode, applyOut, applyErr) = await CliTests.RunAsync("apply", "--endpoint-url", url);
        var (planCode, planOut, _) = await CliTests.RunAsync("plan", "--endpoint-url", url, "--output", "json");

        applyCode.Should().Be(0, applyErr);
        applyOut.Should().Contain("ADCE-HighFailureRate");
        planCode.Should().Be(0);
        using var json = System.Text.Json.JsonDocument.Parse(planOut);
        json.RootElement.GetProperty("noChanges").GetBoolean().Should().BeTrue(planOut);
        json.RootElement.GetProperty("changes").GetArrayLength().Should().BeGreaterThanOrEqualTo(14);
    }

    private async Task<(CloudWatchClient, SnsClient)> ClientsAsync()
    {
        var url = await moto.UrlAsync();
        return (new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1" }),
            new SnsClient(MotoServer.Credentials, new SnsClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1" }));
    }
}
