using System.Text.Json;
using NbaSim.Observability.Cli;

namespace NbaSim.Observability.Tests.MonitoringAsCode;

public class CliTests
{
    [Theory]
    [InlineData("--bogus")]
    [InlineData("plan", "--output", "xml")]
    [InlineData("publish", "quality", "--passed", "3")]
    [InlineData("alarms", "test")]
    public async Task Usage_errors_exit_2_with_a_message_on_stderr(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);

        code.Should().Be(2);
        stderr.Should().StartWith("nbaobs: ");
        stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Bad_input_exits_2_with_one_line_that_says_what_to_fix_and_a_stack_only_when_verbose()
    {
        var (code, _, stderr) = await RunAsync("publish", "quality", "--passed", "5", "--total", "4");
        var (verboseCode, _, verbose) = await RunAsync("publish", "quality", "--passed", "5", "--total", "4", "--verbose");

        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--passed 5 and --total 4: 0 ≤ --passed ≤ --total is required.");
        verboseCode.Should().Be(2);
        verbose.Should().Contain("   at ");
    }

    [Fact]
    public async Task A_missing_config_file_or_a_bad_setting_is_a_usage_error_that_names_the_file_or_the_key()
    {
        var (code, _, stderr) = await RunAsync("publish", "quality", "--passed", "1", "--total", "2", "--config", "/nonexistent/nbaobs.json");
        code.Should().Be(2);
        stderr.Should().StartWith("nbaobs: --config /nonexistent/nbaobs.json does not exist; pass the path of a JSON file").And.NotContain("Exception");

        var dir = Directory.CreateTempSubdirectory("nbaobs-bad-");
        var config = Path.Combine(dir.FullName, "nbaobs.json");
        await File.WriteAllTextAsync(config, """{ "NbaObservability": { "MaxDatumsPerBatch": 5000 } }""", TestContext.Current.CancellationToken);
        (code, _, stderr) = await RunAsync("publish", "quality", "--passed", "1", "--total", "2", "--config", config);
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("NbaObservability:MaxDatumsPerBatch is 5000").And.Contain("between 1 and 1,000").And.NotContain("Exception");
        dir.Delete(recursive: true);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(403, "InvalidClientTokenId")]
    [InlineData(400, "Throttling")]
    public async Task Publish_exits_1_naming_what_was_lost_and_why_when_nothing_could_be_delivered(int status, string? code)
    {
        await using var server = new Infrastructure.LoopbackAwsServer((_, _) => Task.FromResult(Infrastructure.LoopbackAwsServer.Error(status, code ?? "x", "The security token included in the request is invalid.")));
        var endpoint = code is null ? "http://127.0.0.1:9" : server.Url.TrimEnd('/'); // port 9 (discard): connection refused
        var dir = Directory.CreateTempSubdirectory("nbaobs-lost-");
        var config = Path.Combine(dir.FullName, "nbaobs.json");
        await File.WriteAllTextAsync(config, """{ "NbaObservability": { "ShutdownTimeout": "00:00:03", "CloudWatch": { "MaxRetries": 1 } } }""", TestContext.Current.CancellationToken);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var (exit, stdout, stderr) = await RunAsync("publish", "quality", "--passed", "9", "--total", "10", "--config", config, "--endpoint-url", endpoint);

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3 + 15), "bounded by ShutdownTimeout plus start-up on a busy machine, not the SDK's 100-s attempt or endless retries");
        exit.Should().Be(1, stderr);
        stdout.Should().NotContain("published");
        var lines = stderr.Trim().Split('\n');
        lines.Should().ContainSingle(l => l.Contains("not delivered", StringComparison.Ordinal))
            .Which.Should().Contain("1 datum(s) were not delivered to " + endpoint).And.Contain(code ?? "refused");
        lines.Should().NotContain(l => l.StartsWith("   at ", StringComparison.Ordinal), "stack traces only with --verbose");
        stderr.Should().NotContain("Exception:");
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Publish_dims_against_an_unreachable_endpoint_exits_1_in_bounded_time_without_stack_traces()
    {
        var dir = Directory.CreateTempSubdirectory("nbaobs-dims-down-");
        var file = Path.Combine(dir.FullName, "metrics.yaml");
        await File.WriteAllTextAsync(file, "s3_storage:\n  total_objects: {value: 10}\n  total_size_gb: {value: 1.5}\ncode_base:\n  python_files: {value: 3}\n  test_files: {value: 2}\n", TestContext.Current.CancellationToken);
        var config = Path.Combine(dir.FullName, "nbaobs.json");
        await File.WriteAllTextAsync(config, $$"""{ "NbaObservability": { "ShutdownTimeout": "00:00:02", "Dims": { "StatePath": "{{Path.Combine(dir.FullName, "state.json")}}" } } }""", TestContext.Current.CancellationToken);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var (code, _, stderr) = await RunAsync("publish", "dims", "--file", file, "--config", config, "--endpoint-url", "http://127.0.0.1:9");

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2 + 15), "bounded by ShutdownTimeout plus start-up on a busy machine");
        code.Should().Be(1, "the cron job must see that nothing was delivered");
        stderr.Should().Contain("4 datum(s) were not delivered to http://127.0.0.1:9").And.NotContain("   at ");
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Dashboards_export_writes_the_three_files_and_reports_json()
    {
        var dir = Directory.CreateTempSubdirectory("nbaobs-export-");
        var (code, stdout, _) = await RunAsync("dashboards", "export", "--out", dir.FullName, "--output", "json");

        code.Should().Be(0);
        JsonDocument.Parse(stdout).RootElement.EnumerateArray().Select(e => Path.GetFileName(e.GetString())).Should()
            .BeEquivalentTo(["data_collection_dashboard.json", "performance_dashboard.json", "adce_health_dashboard.json"]);
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Publish_dims_reports_each_value()
    {
        var dir = Directory.CreateTempSubdirectory("nbaobs-dims-");
        var file = Path.Combine(dir.FullName, "metrics.yaml");
        await File.WriteAllTextAsync(file, "s3_storage:\n  total_objects: {value: 10}\n  total_size_gb: {value: 1.5}\ncode_base:\n  python_files: {value: 3}\n  test_files: {value: 2}\n", TestContext.Current.CancellationToken);
        Environment.SetEnvironmentVariable("NbaObservability__Dims__StatePath", Path.Combine(dir.FullName, "state.json"));
        try
        {
            var (code, stdout, stderr) = await RunAsync("publish", "dims", "--file", file, "--config", WriteEmfConfig(dir.FullName));

            code.Should().Be(0, stderr);
            stdout.Should().Contain("DIMS_S3Objects = 10").And.Contain("DIMS_TestFiles = 2");
            File.ReadAllText(Path.Combine(dir.FullName, "out.emf")).Should().Contain("\"DIMS_S3SizeGB\":1.5");
        }
        finally
        {
            Environment.SetEnvironmentVariable("NbaObservability__Dims__StatePath", null);
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_config_key_that_is_no_setting_is_one_warning_line_and_the_command_still_runs()
    {
        var dir = Directory.CreateTempSubdirectory("nbaobs-typo-");
        var config = Path.Combine(dir.FullName, "nbaobs.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { NbaObservability = new { Exporter = "Emf", Emf = new { Path = Path.Combine(dir.FullName, "out.emf") }, Monitoring = new { ProfiledOperation = new[] { "GameSimulation" } } } }), TestContext.Current.CancellationToken);

        var (code, _, stderr) = await RunAsync("publish", "quality", "--passed", "9", "--total", "10", "--config", config);

        code.Should().Be(0, stderr);
        stderr.Trim().Should().Be("nbaobs: warning: NbaObservability:Monitoring:ProfiledOperation is not a setting and is ignored; did you mean NbaObservability:Monitoring:ProfiledOperations?");
        dir.Delete(recursive: true);
    }

    internal static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await new NbaObsCommand(stdout, stderr).RunAsync(args);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string WriteEmfConfig(string dir)
    {
        var path = Path.Combine(dir, "nbaobs.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { NbaObservability = new { Exporter = "Emf", Emf = new { Path = Path.Combine(dir, "out.emf") } } }));
        return path;
    }
}
