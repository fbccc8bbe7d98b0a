using System.Text.Json;
using NbaSim.Observability.Cli;
using NbaSim.Observability.Tests.Packaging;

namespace NbaSim.Observability.Tests.MonitoringAsCode;

public class DefinitionsTests
{
    internal static readonly MonitoringContext Context = new("us-west-2", "210987654321", "nba-simulator-alerts", 150m, ["DataExtraction", "S3Upload", "Validation"], "nba-sim-raw-data-lake");

    public static TheoryData<string, string, string, string, double, string, int, int> OriginalAlarms => new()
    {
        { "ADCE-HighFailureRate", "NBA-Simulator/ADCE", "ADCESuccessRate", "LessThanThreshold", 95, "Average", 300, 2 },
        { "AWS-CostBudgetExceeded", "NBA-Simulator/Costs", "BudgetUtilization", "GreaterThanThreshold", 80, "Maximum", 86400, 1 },
        { "S3-UploadFailures", "NBA-Simulator/DataCollection", "S3UploadFailures", "GreaterThanThreshold", 5, "Sum", 300, 2 },
        { "Data-QualityIssues", "NBA-Simulator/DataQuality", "ValidationPassRate", "LessThanThreshold", 95, "Average", 3600, 1 },
    };

    [Theory]
    [MemberData(nameof(OriginalAlarms))]
    public void The_original_alarms_keep_their_thresholds_and_notify_the_topic_of_this_account(string name, string ns, string metric, string comparison, double threshold, string statistic, int period, int evaluationPeriods)
    {
        var alarm = NbaMonitoring.Alarms(Context).Single(a => a.AlarmName == name);

        alarm.Namespace.Should().Be(ns);
        alarm.MetricName.Should().Be(metric);
        alarm.ComparisonOperator.Should().Be(comparison);
        alarm.Threshold.Should().Be(threshold);
        alarm.Statistic.Should().Be(statistic);
        alarm.Period.Should().Be(period);
        alarm.EvaluationPeriods.Should().Be(evaluationPeriods);
        alarm.TreatMissingData.Should().BeOneOf("notBreaching", "ignore", "missing", "breaching");
        alarm.AlarmActions.Should().Equal("arn:aws:sns:us-west-2:210987654321:nba-simulator-alerts");
    }

    [Fact]
    public void Anomaly_alarms_cover_queue_depth_and_every_profiled_operation_and_drift_has_an_alarm()
    {
        var alarms = NbaMonitoring.Alarms(Context);
        var anomaly = alarms.Where(a => a.ThresholdMetricId is not null).ToList();
        anomaly.Select(a => a.AlarmName).Should().BeEquivalentTo(["ADCE-QueueDepthAnomaly", "DataExtraction-DurationRegression", "S3Upload-DurationRegression", "Validation-DurationRegression", "CICD-PipelineDurationRegression-ci"]);
        anomaly.Should().OnlyContain(a => a.Metrics.Count == 2 && a.Metrics[1].Expression == "ANOMALY_DETECTION_BAND(m1, 2)" && a.ThresholdMetricId == "ad1" && a.Threshold == null);
        NbaMonitoring.AnomalyDetectors(Context).Should().HaveCount(5).And.Contain(d => d.MetricName == "S3UploadDuration" && d.Stat == "p95");
        alarms.Single(a => a.AlarmName == "DIMS-DriftDetected").Should().Match<NbaSim.Observability.Aws.CloudWatch.MetricAlarmDefinition>(a => a.MetricName == "DIMS_DriftDetected" && a.Threshold == 0 && a.Statistic == "Sum");
        JsonSerializer.Serialize(alarms).Should().NotContain("123456789", "account ids come from the context, never from code");
    }

    [Fact]
    public void The_dashboards_render_the_original_widgets_with_percentiles_and_the_budget_line()
    {
        var dashboards = NbaMonitoring.Dashboards(Context).ToDictionary(d => d.Name, d => JsonDocument.Parse(d.RenderBody()).RootElement.GetProperty("widgets"));

        dashboards.Keys.Should().BeEquivalentTo(["NBA-Simulator-DataCollection", "NBA-Simulator-Performance", "NBA-Simulator-ADCE-Health"]);
        var growth = Widget(dashboards["NBA-Simulator-DataCollection"], "S3 Bucket Growth");
        growth.GetProperty("period").GetInt32().Should().Be(3600);
        growth.GetProperty("stat").GetString().Should().Be("Average");
        growth.GetProperty("region").GetString().Should().Be("us-west-2");
        Metrics(growth).Should().Equal("S3ObjectCount", "S3TotalSizeGB");
        var execution = Widget(dashboards["NBA-Simulator-DataCollection"], "ADCE Task Execution");
        (execution.GetProperty("period").GetInt32(), execution.GetProperty("stat").GetString()).Should().Be((300, "Sum"));
        var rate = Widget(dashboards["NBA-Simulator-DataCollection"], "ADCE Success Rate");
        rate.GetProperty("yAxis").GetProperty("left").GetProperty("max").GetDouble().Should().Be(100);

        var durations = Widget(dashboards["NBA-Simulator-Performance"], "Operation Performance (p50 / p95 / p99)");
        durations.GetProperty("metrics").EnumerateArray().Select(m => m[m.GetArrayLength() - 1].GetProperty("stat").GetString()).Should().Equal(Enumerable.Repeat(new[] { "p50", "p95", "p99" }, 3).SelectMany(x => x));
        var costs = Widget(dashboards["NBA-Simulator-Performance"], "AWS Costs vs Budget");
        costs.GetProperty("annotations").GetProperty("horizontal")[0].GetProperty("value").GetDouble().Should().Be(150);
        (costs.GetProperty("period").GetInt32(), costs.GetProperty("stat").GetString()).Should().Be((86400, "Maximum"));
        Widget(dashboards["NBA-Simulator-Performance"], "Budget Utilization %").GetProperty("yAxis").GetProperty("left").GetProperty("max").GetDouble().Should().Be(100);

        var alarmWidget = dashboards["NBA-Simulator-ADCE-Health"].EnumerateArray().Single(w => w.GetProperty("type").GetString() == "alarm");
        alarmWidget.GetProperty("properties").GetProperty("alarms")[0].GetString().Should().Be("arn:aws:cloudwatch:us-west-2:210987654321:alarm:ADCE-HighFailureRate");
    }

    [Fact]
    public void The_committed_dashboard_files_match_the_definitions()
    {
        var root = PackageConsumerTests.RepositoryRoot();
        var committed = new MonitoringContext("us-east-1", "123456789012", "nba-simulator-alerts", 150m, ["DataExtraction", "S3Upload", "Validation"], "nba-sim-raw-data-lake");
        foreach (var dashboard in NbaMonitoring.Dashboards(committed))
        {
            var path = Path.Combine(root, "dashboards", NbaObsCommand.FileName(dashboard.Name));
            File.Exists(path).Should().BeTrue($"{path} is committed (nbaobs dashboards export --out dashboards)");
            File.ReadAllText(path).TrimEnd().Should().Be(dashboard.RenderBody().TrimEnd(), $"{path} drifted from the code; run: nbaobs dashboards export --out dashboards");
        }
    }

    [Fact]
    public void The_topic_policy_lets_this_accounts_CloudWatch_alarms_publish()
    {
        using var policy = JsonDocument.Parse(NbaMonitoring.AlertTopicPolicy(Context));
        var statement = policy.RootElement.GetProperty("Statement")[0];
        statement.GetProperty("Principal").GetProperty("Service").GetString().Should().Be("cloudwatch.amazonaws.com");
        statement.GetProperty("Action").GetString().Should().Be("SNS:Publish");
        statement.GetProperty("Resource").GetString().Should().Be(Context.AlertTopicArn);
        statement.GetProperty("Condition").GetProperty("ArnLike").GetProperty("aws:SourceArn").GetString().Should().Be("arn:aws:cloudwatch:us-west-2:210987654321:alarm:*");
    }

    private static JsonElement Widget(JsonElement widgets, string title)
        => widgets.EnumerateArray().Select(w => w.GetProperty("properties")).Single(p => p.TryGetProperty("title", out var t) && t.GetString() == title);

    private static IEnumerable<string> Metrics(JsonElement widget) => widget.GetProperty("metrics").EnumerateArray().Select(m => m[1].GetString()!);
}
