using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.Runtime;
using NbaSim.Observability.Cli.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.Sns;
using NbaSim.Observability.Cli.MonitoringAsCode;
using NbaSim.Observability.MonitoringAsCode;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.MonitoringAsCode;

/// <summary>
/// The OTel path's alarms: PutMetricAlarm with EvaluationCriteria.PromQLCriteria, checked against botocore 1.43's model,
/// and plan/apply --path otel against a loopback CloudWatch that answers DescribeAlarms with the documented shape (moto
/// 5.2.1 drops EvaluationCriteria, so it cannot tell a deployed PromQL alarm from a changed one).
/// </summary>
[Collection(nameof(MonitoringDeploySerial))]
public sealed class PromQLAlarmTests(MotoServer moto)
{
    private static readonly MonitoringContext Context = new("us-east-1", "123456789012", "nba-simulator-alerts", 150m, ["DataExtraction", "S3Upload", "Validation"], "nba-sim-raw-data-lake");

    [Fact]
    public async Task Every_PromQL_alarm_passes_botocores_validation_and_the_documented_interval_rule()
    {
        var alarms = NbaMonitoring.PromQLAlarms(Context);
        alarms.Select(a => a.AlarmName).Should().BeEquivalentTo(
        [
            "ADCE-HighFailureRate-PromQL", "AWS-CostBudgetExceeded-PromQL", "S3-UploadFailures-PromQL", "Data-QualityIssues-PromQL", "DIMS-DriftDetected-PromQL",
            "ADCE-QueueDepthAnomaly-PromQL", "DataExtraction-DurationRegression-PromQL", "S3Upload-DurationRegression-PromQL", "Validation-DurationRegression-PromQL",
        ]);
        var requests = alarms.Select(a => JsonNode.Parse(AwsJsonProtocol.Body(new PutMetricAlarmRequest(a)))).ToList();
        var spec = new JsonObject { ["service"] = "cloudwatch", ["operation"] = "PutMetricAlarm", ["requests"] = new JsonArray([.. requests]) };

        var report = await Wire.JsonWireTests.Python("validate_params.py", spec.ToJsonString());

        report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(alarms.Count).And.OnlyContain(line => line == "ok", report);
        foreach (var alarm in alarms)
        {
            // "Valid values are 10, 20, 30, and any multiple of 60" (PutMetricAlarm), which the model's min/max cannot say.
            alarm.EvaluationInterval.Should().Match(i => i == 10 || i == 20 || i == 30 || (i % 60 == 0 && i <= 3600), alarm.AlarmName);
            alarm.PromQL!.Query.Length.Should().BeInRange(1, PromQLCriteria.MaxQueryLength);
            requests[alarms.ToList().IndexOf(alarm)]!.AsObject().Should().NotContainKey("EvaluationPeriods").And.NotContainKey("ComparisonOperator").And.NotContainKey("MetricName");
        }
    }

    [Fact]
    public void A_dimension_value_cannot_change_the_query()
    {
        var selector = PromQLQuery.Selector("NBA-Simulator/Performance", "S3UploadDuration", new MetricDimension("Bucket", "x\"} or vector(1) # \\"));

        selector.Should().Be("{\"S3UploadDuration\", \"@instrumentation.@name\"=\"NBA-Simulator/Performance\", \"Bucket\"=\"x\\\"} or vector(1) # \\\\\"}");
    }

    [Fact]
    public async Task Apply_on_the_OTel_path_creates_the_PromQL_alarms_and_a_second_plan_changes_nothing()
    {
        await using var cloudWatchServer = new DescribingCloudWatch();
        using var cloudWatch = new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = cloudWatchServer.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        using var sns = new SnsClient(MotoServer.Credentials, new SnsClientConfig { ServiceURL = await moto.UrlAsync(), AuthenticationRegion = "us-east-1" });
        var definitions = MonitoringDefinitions.For(Context, new MonitoringOptions(), MonitoringPath.OTel);
        var planner = new MonitoringPlanner(cloudWatch, sns);

        var first = await planner.PlanAsync(definitions, cancellationToken: TestContext.Current.CancellationToken);
        await planner.ApplyAsync(definitions, first, TestContext.Current.CancellationToken);
        var second = await planner.PlanAsync(definitions, cancellationToken: TestContext.Current.CancellationToken);

        first.Changes.Where(c => c.Kind == "alarm").Should().HaveCount(9).And.OnlyContain(c => c.Action == ChangeAction.Create);
        first.Changes.Should().NotContain(c => c.Kind == "anomaly-detector");
        first.Changes.Where(c => c.Kind == "dashboard").Select(c => c.Name).Should().Equal(NbaMonitoring.PromQLDashboards(Context).Select(d => d.Name));
        second.IsEmpty.Should().BeTrue(second.Render());
        cloudWatchServer.Alarms.Should().HaveCount(9);

        var changed = definitions with
        {
            Alarms = definitions.Alarms.Select(a => a.AlarmName == "S3-UploadFailures-PromQL" ? a with { PromQL = a.PromQL! with { PendingPeriod = 600 } } : a).ToList(),
        };
        var plan = await planner.PlanAsync(changed, cancellationToken: TestContext.Current.CancellationToken);
        plan.Changes.Where(c => c.Action != ChangeAction.Unchanged).Should().ContainSingle()
            .Which.Should().Match<ResourceChange>(c => c.Name == "S3-UploadFailures-PromQL" && c.ChangedFields.Single() == "PromQL.PendingPeriod");
    }

    [Fact]
    public async Task Prune_on_one_path_never_deletes_the_other_paths_alarms()
    {
        await using var cloudWatchServer = new DescribingCloudWatch();
        using var cloudWatch = new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = cloudWatchServer.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        using var sns = new SnsClient(MotoServer.Credentials, new SnsClientConfig { ServiceURL = await moto.UrlAsync(), AuthenticationRegion = "us-east-1" });
        var planner = new MonitoringPlanner(cloudWatch, sns);
        var both = MonitoringDefinitions.For(Context, new MonitoringOptions(), MonitoringPath.Both);
        await planner.ApplyAsync(both, await planner.PlanAsync(both, cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        var retired = new MetricAlarmDefinition
        {
            AlarmName = "Retired-PromQL", EvaluationPeriods = 0, ComparisonOperator = string.Empty, EvaluationInterval = 60,
            PromQL = new PromQLCriteria($"{PromQLQuery.Selector("NBA-Simulator/ADCE", "Old")} > 1"),
        };
        await cloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest(retired), TestContext.Current.CancellationToken);

        var classic = await planner.PlanAsync(MonitoringDefinitions.For(Context, new MonitoringOptions(), MonitoringPath.Classic), prune: true, TestContext.Current.CancellationToken);
        var otel = await planner.PlanAsync(MonitoringDefinitions.For(Context, new MonitoringOptions(), MonitoringPath.OTel), prune: true, TestContext.Current.CancellationToken);

        classic.Changes.Where(c => c.Kind == "alarm" && c.Action == ChangeAction.Delete).Should().BeEmpty("a Classic plan leaves every PromQL alarm alone");
        otel.Changes.Where(c => c.Kind == "alarm" && c.Action == ChangeAction.Delete).Select(c => c.Name).Should().Equal("Retired-PromQL");
    }

    /// <summary>
    /// CloudWatch over JSON 1.0 on a loopback port, for alarms only: PutMetricAlarm stores the request, DescribeAlarms
    /// returns it as the documented MetricAlarm shape (EvaluationCriteria and EvaluationInterval included), DeleteAlarms removes it.
    /// </summary>
    private sealed class DescribingCloudWatch : IAsyncDisposable
    {
        private readonly NbaSim.Observability.Testing.LoopbackListener _listener;

        public DescribingCloudWatch() => _listener = new(HandleAsync);

        public string Url => _listener.Url;

        public ConcurrentDictionary<string, JsonObject> Alarms { get; } = new();

        public ConcurrentDictionary<string, string> Dashboards { get; } = new();

        public ValueTask DisposeAsync()
        {
            _listener.Dispose();
            return ValueTask.CompletedTask;
        }

        private async Task HandleAsync(HttpListenerContext context)
        {
            using var reader = new StreamReader(context.Request.InputStream);
            var body = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
            var operation = context.Request.Headers["X-Amz-Target"]!.Split('.')[1];
            JsonObject answer = [];
            switch (operation)
            {
                case "PutMetricAlarm":
                    Alarms[body["AlarmName"]!.GetValue<string>()] = body;
                    break;
                case "DeleteAlarms":
                    foreach (var name in body["AlarmNames"]!.AsArray())
                    {
                        Alarms.TryRemove(name!.GetValue<string>(), out _);
                    }

                    break;
                case "DescribeAlarms":
                    var names = body["AlarmNames"]?.AsArray().Select(n => n!.GetValue<string>()).ToHashSet();
                    answer["MetricAlarms"] = new JsonArray([.. Alarms.Values.Where(a => names is null || names.Contains(a["AlarmName"]!.GetValue<string>())).Select(Described)]);
                    break;
                case "DescribeAnomalyDetectors":
                    answer["AnomalyDetectors"] = new JsonArray();
                    break;
                case "ListDashboards":
                    answer["DashboardEntries"] = new JsonArray([.. Dashboards.Keys.Select(name => new JsonObject { ["DashboardName"] = name })]);
                    break;
                case "PutDashboard":
                    Dashboards[body["DashboardName"]!.GetValue<string>()] = body["DashboardBody"]!.GetValue<string>();
                    break;
                case "GetDashboard" when Dashboards.TryGetValue(body["DashboardName"]!.GetValue<string>(), out var stored):
                    answer["DashboardName"] = body["DashboardName"]!.GetValue<string>();
                    answer["DashboardBody"] = stored;
                    break;
                case "GetDashboard":
                    context.Response.StatusCode = 404;
                    context.Response.Headers["X-Amzn-ErrorType"] = "ResourceNotFound";
                    answer["message"] = "Dashboard does not exist";
                    break;
                default:
                    break; // PutAnomalyDetector: accepted, empty answer
            }

            var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
            context.Response.ContentType = "application/x-amz-json-1.0";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }

        private static JsonObject Described(JsonObject put)
        {
            var described = JsonNode.Parse(put.ToJsonString())!.AsObject();
            described["AlarmArn"] = $"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{put["AlarmName"]}";
            described["StateValue"] = "OK";
            described["OKActions"] ??= new JsonArray();
            described["InsufficientDataActions"] ??= new JsonArray();
            return described;
        }
    }
}
