using System.Text.Json;
using NbaSim.Observability.Cli.MonitoringAsCode;
using NbaSim.Observability.MonitoringAsCode;
using NbaSim.Observability.Tests.Profiling;

namespace NbaSim.Observability.Tests.MonitoringAsCode;

/// <summary>Dashboards and alarms follow the operations the app really publishes, dimensions and namespace included.</summary>
public class ProfiledOperationTests
{
    [Theory]
    [InlineData("S3Upload", "NBA-Simulator/Performance", "S3Upload", "")]
    [InlineData(" GameSimulation[Engine=v2] ", "NBA-Simulator/Performance", "GameSimulation", "Engine=v2")]
    [InlineData("GameSimulation[Engine=v2, Region=us]@NBA-Simulator/Engine", "NBA-Simulator/Engine", "GameSimulation", "Engine=v2,Region=us")]
    public void The_configuration_form_parses_and_round_trips(string text, string ns, string name, string dimensions)
    {
        var op = ProfiledOperation.Parse(text);

        op.Namespace.Should().Be(ns);
        op.Name.Should().Be(name);
        string.Join(',', op.Dimensions.Select(d => $"{d.Name}={d.Value}")).Should().Be(dimensions);
        ProfiledOperation.Parse(op.ToString()).ToString().Should().Be(op.ToString());
    }

    [Theory]
    [InlineData("GameSimulation[Engine]")]
    [InlineData("GameSimulation[Engine=v2")]
    [InlineData("[Engine=v2]")]
    [InlineData("GameSimulation@")]
    public void A_malformed_entry_is_a_start_up_failure_that_shows_the_form(string text)
    {
        var options = new NbaObservabilityOptions();
        options.Monitoring.ProfiledOperations = ["S3Upload", text];

        var result = new NbaObservabilityOptionsValidator().Validate(null, options);

        result.Failures.Should().ContainSingle().Which.Should().Be(
            $"NbaObservability:Monitoring:ProfiledOperations has '{text}'; expected Name, Name[Dimension=Value,…] or either followed by @Namespace, e.g. GameSimulation[Engine=v2] (a backslash escapes [ ] , = @ \\).");
    }

    [Fact]
    public void Two_operations_that_would_share_an_alarm_name_are_a_start_up_failure()
    {
        var options = new NbaObservabilityOptions();
        options.Monitoring.ProfiledOperations = ["Sim[Engine=v2]", "Sim-Engine-v2"];

        new NbaObservabilityOptionsValidator().Validate(null, options).Failures.Should().Equal(
            "NbaObservability:Monitoring:ProfiledOperations has 'Sim[Engine=v2]' and 'Sim-Engine-v2', which would share the alarm name Sim-Engine-v2-DurationRegression; rename one.");
    }

    [Fact]
    public void An_operation_with_dimensions_is_queried_with_them_on_the_dashboard_and_in_its_alarm()
    {
        var context = new MonitoringContext("us-east-1", "123456789012", "nba-simulator-alerts", 150m, ["GameSimulation[Engine=v2]@NBA-Simulator/Engine"], "b");

        var performance = NbaMonitoring.Dashboards(context).Single(d => d.Name == "NBA-Simulator-Performance").RenderBody();
        var alarm = NbaMonitoring.Alarms(context).Single(a => a.AlarmName == "GameSimulation-Engine-v2-NBA-Simulator-Engine-DurationRegression");

        using var body = JsonDocument.Parse(performance);
        var lines = body.RootElement.GetProperty("widgets").EnumerateArray()
            .SelectMany(w => w.GetProperty("properties").TryGetProperty("metrics", out var m) ? m.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Select(l => string.Join('|', l.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString())))
            .ToList();
        lines.Should().Contain("NBA-Simulator/Engine|GameSimulationDuration|Status|success|Engine|v2");
        lines.Should().Contain("NBA-Simulator/Engine|GameSimulationDuration|Status|failure|Engine|v2");
        var metric = alarm.Metrics[0].MetricStat!.Metric;
        metric.Namespace.Should().Be("NBA-Simulator/Engine");
        metric.Dimensions.Select(d => $"{d.Name}={d.Value}").Should().Equal("Status=success", "Engine=v2");
    }

    [Fact]
    public void The_reader_finds_the_woven_attributes_of_a_built_assembly_without_loading_it()
    {
        var operations = ProfiledOperationReader.Read(typeof(Uploader).Assembly.Location).Select(o => o.ToString()).ToList();

        operations.Should().Contain(["FixtureGameSimulation[Engine=v2]", "FixtureEngineWarmup@NBA-Simulator/Engine", "FixtureSync", "FixtureRollup"]);
        operations.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Nbaobs_preview_with_assembly_draws_the_dimensioned_operation_from_the_emf_it_recorded()
    {
        var dir = Directory.CreateTempSubdirectory("nbaobs-assembly-");
        var emf = Path.Combine(dir.FullName, "app.emf");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await File.WriteAllLinesAsync(emf,
        [
            $$$"""{"_aws":{"Timestamp":{{{now}}},"CloudWatchMetrics":[{"Namespace":"NBA-Simulator/Performance","Dimensions":[["Engine","Status"]],"Metrics":[{"Name":"FixtureGameSimulationDuration","Unit":"Seconds"}]}]},"Engine":"v2","Status":"success","FixtureGameSimulationDuration":{"Values":[0.25,0.5],"Counts":[150,50],"Count":200,"Sum":62.5,"Min":0.25,"Max":0.5}}""",
            $$$"""{"_aws":{"Timestamp":{{{now}}},"CloudWatchMetrics":[{"Namespace":"NBA-Simulator/Performance","Dimensions":[["Engine","Status"]],"Metrics":[{"Name":"FixtureGameSimulationDuration","Unit":"Seconds"}]}]},"Engine":"v2","Status":"failure","FixtureGameSimulationDuration":{"Values":[1],"Counts":[50],"Count":50,"Sum":50,"Min":1,"Max":1}}""",
        ], TestContext.Current.CancellationToken);
        var html = Path.Combine(dir.FullName, "preview.html");

        var (code, _, stderr) = await CliTests.RunAsync("dashboards", "preview", "--emf", emf, "--out", html, "--assembly", typeof(Uploader).Assembly.Location);

        code.Should().Be(0, stderr);
        var page = await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken);
        page.Should().Contain("FixtureGameSimulation (Engine=v2) p50").And.NotContain("FixtureGameSimulation (Engine=v2) p50 (no data)");
        page.Should().Contain("FixtureGameSimulation (Engine=v2) failures").And.NotContain("FixtureGameSimulation (Engine=v2) failures (no data)");
        page.Should().NotContain("DataExtraction p50", "the defaults (the demo's operations) give way to the app's own when none is configured");
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Configured_operations_and_the_assembly_operations_both_get_dashboards_each_once()
    {
        var dir = Directory.CreateTempSubdirectory("nbaobs-assembly-config-");
        var config = Path.Combine(dir.FullName, "appsettings.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { NbaObservability = new { Monitoring = new { ProfiledOperations = new[] { "Checkout", "FixtureSync" } } } }), TestContext.Current.CancellationToken);

        var (code, _, stderr) = await CliTests.RunAsync("dashboards", "export", "--out", dir.FullName, "--config", config, "--assembly", typeof(Uploader).Assembly.Location);

        code.Should().Be(0, stderr);
        var performance = await File.ReadAllTextAsync(Directory.GetFiles(dir.FullName, "performance*.json").Single(), TestContext.Current.CancellationToken);
        performance.Should().Contain("\"Checkout p50\"").And.Contain("\"FixtureGameSimulation (Engine=v2) p50\"");
        System.Text.RegularExpressions.Regex.Count(performance, "\"FixtureSync p50\"").Should().Be(1);
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_file_that_is_not_an_assembly_is_input_error_2_naming_it()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "not a PE file", TestContext.Current.CancellationToken);

        var (code, _, stderr) = await CliTests.RunAsync("dashboards", "export", "--out", Path.GetTempPath(), "--assembly", file);

        code.Should().Be(2);
        stderr.Should().StartWith($"nbaobs: --assembly {file} is not a .NET assembly").And.Contain("MyApp.dll");
        File.Delete(file);
    }
}
