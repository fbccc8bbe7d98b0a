using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.Sns;
using NbaSim.Observability.Cli.MonitoringAsCode;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.MonitoringAsCode;

/// <summary>
/// The OTel path's dashboards. Oracles: Prometheus's own PromQL grammar (lezer-promql, npm) parses every query; the
/// widget shape is the one AWS's own samples deploy with PutDashboard (type <c>chart</c>, queries under
/// <c>properties.data.queries</c> with <c>"language": "PromQL"</c>; a <c>metric</c> widget with queries is refused);
/// botocore's model validates the PutDashboard request; moto stores it and <c>aws cloudwatch get-dashboard</c> reads it back.
/// </summary>
[Collection(nameof(MonitoringDeploySerial))]
public sealed partial class PromQLDashboardTests(MotoServer moto)
{
    private static readonly MonitoringContext Context = new("us-east-1", "123456789012", "nba-simulator-alerts", 150m, ["DataExtraction", "S3Upload", "Validation"], "nba-sim-raw-data-lake")
    {
        RuntimeNamespace = "NBA-Simulator/Runtime",
    };

    [Fact]
    public async Task Every_PromQL_query_we_deploy_parses_with_Prometheus_own_grammar()
    {
        var dashboardQueries = NbaMonitoring.PromQLDashboards(Context).SelectMany(d => d.Widgets.OfType<PromQLWidget>()).SelectMany(w => w.Lines).Select(l => l.Query);
        var alarmQueries = NbaMonitoring.PromQLAlarms(Context).Select(a => a.PromQL!.Query);
        string[] broken = ["sum(rate({\"S3UploadDuration\"}[5m]", "histogram_quantile(0.95, {\"a\"=})"];
        List<string> queries = [.. dashboardQueries, .. alarmQueries, .. broken];

        var verdicts = await ParseAsync(queries);

        verdicts.Should().HaveCount(queries.Count);
        verdicts[..^broken.Length].Should().OnlyContain(v => v == "ok", string.Join('\n', queries.Zip(verdicts).Where(p => p.Second != "ok")));
        verdicts[^broken.Length..].Should().OnlyContain(v => v.StartsWith("error at", StringComparison.Ordinal), "the grammar refuses a broken query (the oracle can fail)");
    }

    [Fact]
    public void Each_PromQL_widget_has_the_shape_AWS_deploys_and_each_Classic_chart_has_its_twin()
    {
        var classic = NbaMonitoring.Dashboards(Context);
        var promQL = NbaMonitoring.PromQLDashboards(Context);

        promQL.Select(d => d.Name).Should().Equal(classic.Select(d => d.Name + NbaMonitoring.PromQLSuffix));
        foreach (var (twin, dashboard) in classic.Zip(promQL))
        {
            var body = dashboard.RenderBody(false);
            System.Text.Encoding.UTF8.GetByteCount(body).Should().BeLessThan(1_048_576, "PutDashboard's DashboardBody limit");
            var widgets = JsonNode.Parse(body)!["widgets"]!.AsArray();
            widgets.Count.Should().BeLessThanOrEqualTo(500);
            foreach (var widget in widgets.Select(w => w!.AsObject()).Where(w => w["type"]!.GetValue<string>() != "text" && w["type"]!.GetValue<string>() != "alarm"))
            {
                widget["type"]!.GetValue<string>().Should().Be("chart", "a metric widget with PromQL queries is refused (\"Should have required property 'metrics'\")");
                var properties = widget["properties"]!.AsObject();
                properties.Should().NotContainKey("metrics").And.NotContainKey("stat").And.NotContainKey("period");
                properties["region"]!.GetValue<string>().Should().Be("us-east-1");
                properties["view"]!.GetValue<string>().Should().Be("line");
                var queries = properties["data"]!["queries"]!.AsArray().Select(q => q!.AsObject()).ToList();
                queries.Should().NotBeEmpty();
                queries.Select(q => q["id"]!.GetValue<string>()).Should().OnlyHaveUniqueItems().And.OnlyContain(id => QueryId().IsMatch(id));
                queries.Should().OnlyContain(q => q["type"]!.GetValue<string>() == "cloudwatch-metrics" && q["language"]!.GetValue<string>() == "PromQL" && q["step"]!.GetValue<int>() >= 60);
                var line = properties["plotOptions"]!["style"]!["lineOptions"]!.AsObject();
                line.Select(p => p.Key).Should().BeEquivalentTo(["filled", "stacked", "width", "pattern", "spline"], "a partial lineOptions fails the console's schema");
            }

            // Every Classic chart but the CI/CD ones (PutMetricData only) has a PromQL chart of the same title.
            var classicTitles = twin.Widgets.OfType<MetricWidget>().Select(w => w.Title).Where(t => !t.StartsWith("CI/CD", StringComparison.Ordinal));
            dashboard.Widgets.OfType<PromQLWidget>().Select(w => w.Title).Should().BeEquivalentTo(classicTitles, dashboard.Name);
        }

        promQL.SelectMany(d => d.Widgets.OfType<AlarmStatusWidget>()).SelectMany(w => w.AlarmArns)
            .Should().OnlyContain(arn => NbaMonitoring.PromQLAlarms(Context).Any(a => Context.AlarmArn(a.AlarmName) == arn), "the OTel dashboard shows the PromQL alarms");
    }

    [Fact]
    public void The_queries_mean_what_the_Classic_statistics_mean()
    {
        var window = TimeSpan.FromMinutes(5);
        MetricDimension[] success = [new("Status", "success")];

        PromQLLine.Quantile(0.95, "NBA-Simulator/Performance", "S3UploadDuration", window, null, success).Query
            .Should().Be("histogram_quantile(0.95, sum(rate({\"S3UploadDuration\", \"@instrumentation.@name\"=\"NBA-Simulator/Performance\", \"Status\"=\"success\"}[5m])))");
        PromQLLine.CounterIncrease("NBA-Simulator/ADCE", "ADCETasksCompleted", TimeSpan.FromHours(1)).Query
            .Should().Be("sum(increase({\"ADCETasksCompleted\", \"@instrumentation.@name\"=\"NBA-Simulator/ADCE\"}[1h]))");
        PromQLLine.HistogramCount("N", "M", TimeSpan.FromSeconds(90)).Query.Should().Be("histogram_count(sum(increase({\"M\", \"@instrumentation.@name\"=\"N\"}[90s])))");
        PromQLLine.Threshold(80, "budget").Query.Should().Be("vector(80)");
        PromQLLine.Quantile(0.5, "N", "M", window).Meaning!.Stat.Should().Be("p50");
        PromQLLine.Quantile(0.999, "N", "M", window).Meaning!.Stat.Should().Be("p99.9");

        var invalid = () => PromQLLine.Quantile(1, "N", "M", window);
        invalid.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*between 0 and 1*");
        var subSecond = () => PromQLLine.GaugeAverage("N", "M", TimeSpan.FromMilliseconds(1500));
        subSecond.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*whole number of seconds*");
        var infinite = () => PromQLLine.Threshold(double.PositiveInfinity, "x");
        infinite.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void A_widget_outside_its_limits_is_refused_naming_the_widget_and_the_limit()
    {
        var empty = new DashboardDefinition("NBA-Simulator-X", [new PromQLWidget(new(0, 0), "Empty", [], "us-east-1")]);
        var wide = new DashboardDefinition("NBA-Simulator-Y", [new PromQLWidget(new(0, 0), "Steps", [PromQLLine.Threshold(1, "one")], "us-east-1") { Step = 0 }]);

        empty.Invoking(d => d.RenderBody()).Should().Throw<InvalidOperationException>().WithMessage("*'Empty' has 0 queries; it needs 1 to 50*");
        wide.Invoking(d => d.RenderBody()).Should().Throw<InvalidOperationException>().WithMessage("*'Steps': Step 0 s is outside 1 to 86400*");
    }

    [Fact]
    public async Task Every_PutDashboard_request_passes_botocores_validation()
    {
        var requests = NbaMonitoring.PromQLDashboards(Context)
            .Select(d => JsonNode.Parse(NbaSim.Observability.Aws.Runtime.AwsJsonProtocol.Body(new PutDashboardRequest { DashboardName = d.Name, DashboardBody = d.RenderBody(false) })))
            .ToList();
        var spec = new JsonObject { ["service"] = "cloudwatch", ["operation"] = "PutDashboard", ["requests"] = new JsonArray([.. requests]) };

        var report = await Wire.JsonWireTests.Python("validate_params.py", spec.ToJsonString());

        report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3).And.OnlyContain(line => line == "ok", report);
    }

    [Fact]
    public async Task Apply_on_the_OTel_path_writes_the_dashboards_aws_cli_reads_back_and_prune_keeps_to_its_path()
    {
        var url = await moto.UrlAsync();
        using var cloudWatch = new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1" });
        using var sns = new SnsClient(MotoServer.Credentials, new SnsClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1" });
        var planner = new MonitoringPlanner(cloudWatch, sns);
        var otel = MonitoringDefinitions.For(Context, new MonitoringOptions(), MonitoringPath.OTel);
        var classic = MonitoringDefinitions.For(Context, new MonitoringOptions(), MonitoringPath.Classic);
        var ct = TestContext.Current.CancellationToken;

        await planner.ApplyAsync(classic, await planner.PlanAsync(classic, cancellationToken: ct), ct);
        await planner.ApplyAsync(otel, await planner.PlanAsync(otel, cancellationToken: ct), ct);
        var second = await planner.PlanAsync(otel, cancellationToken: ct);

        second.Changes.Where(c => c.Kind == "dashboard").Should().HaveCount(3).And.OnlyContain(c => c.Action == ChangeAction.Unchanged, second.Render());
        foreach (var dashboard in otel.Dashboards)
        {
            using var read = await Oracles.AwsCli.RunAsync(url, "cloudwatch", "get-dashboard", "--dashboard-name", dashboard.Name);
            var body = JsonNode.Parse(read.RootElement.GetProperty("DashboardBody").GetString()!);
            JsonNode.DeepEquals(body, JsonNode.Parse(dashboard.RenderBody(false))).Should().BeTrue(dashboard.Name);
        }

        // A retired dashboard of each path: prune on one path deletes only its own.
        var body0 = otel.Dashboards[0].RenderBody(false);
        await cloudWatch.PutDashboardAsync(new PutDashboardRequest { DashboardName = "NBA-Simulator-Retired-PromQL", DashboardBody = body0 }, ct);
        await cloudWatch.PutDashboardAsync(new PutDashboardRequest { DashboardName = "NBA-Simulator-Retired", DashboardBody = classic.Dashboards[0].RenderBody(false) }, ct);
        try
        {
            var pruneOTel = await planner.PlanAsync(otel, prune: true, ct);
            var pruneClassic = await planner.PlanAsync(classic, prune: true, ct);

            pruneOTel.Changes.Where(c => c.Kind == "dashboard" && c.Action == ChangeAction.Delete).Select(c => c.Name).Should().Equal("NBA-Simulator-Retired-PromQL");
            pruneClassic.Changes.Where(c => c.Kind == "dashboard" && c.Action == ChangeAction.Delete).Select(c => c.Name).Should().Equal("NBA-Simulator-Retired");
        }
        finally
        {
            await cloudWatch.DeleteDashboardsAsync(new DeleteDashboardsRequest { DashboardNames = ["NBA-Simulator-Retired-PromQL", "NBA-Simulator-Retired", .. otel.Dashboards.Select(d => d.Name)] }, ct);
        }
    }

    [Fact]
    public async Task Dashboards_export_on_the_OTel_path_writes_the_PromQL_files()
    {
        var dir = Directory.CreateTempSubdirectory("nbaobs-export-promql-");
        try
        {
            var (code, stdout, stderr) = await CliTests.RunAsync("dashboards", "export", "--out", dir.FullName, "--path", "otel", "--output", "json");

            code.Should().Be(0, stderr);
            var files = JsonDocument.Parse(stdout).RootElement.EnumerateArray().Select(e => e.GetString()!).ToList();
            files.Select(Path.GetFileName).Should().BeEquivalentTo(["data_collection_promql_dashboard.json", "performance_promql_dashboard.json", "adce_health_promql_dashboard.json"]);
            JsonNode.Parse(await File.ReadAllTextAsync(files[0], TestContext.Current.CancellationToken))!["widgets"]![0]!["type"]!.GetValue<string>().Should().Be("chart");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>One verdict per query from tests/conformance/promql/parse.mjs ("ok" or "error at N: …").</summary>
    internal static async Task<string[]> ParseAsync(IReadOnlyList<string> queries)
    {
        var directory = Path.Combine(Packaging.PackageConsumerTests.RepositoryRoot(), "tests", "conformance", "promql");
        Directory.Exists(Path.Combine(directory, "node_modules", "@prometheus-io", "lezer-promql"))
            .Should().BeTrue($"the PromQL grammar is installed: run `npm ci` in {directory} (eng/test.sh does)");
        var start = new ProcessStartInfo("node", "parse.mjs") { WorkingDirectory = directory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(queries));
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, error);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9_]*$")]
    private static partial Regex QueryId();
}
