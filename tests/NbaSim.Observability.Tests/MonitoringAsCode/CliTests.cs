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
    public async Task Failures_exit_1_with_one_line_and_a_stack_only_when_verbose()
    {
        var (code, _, stderr) = await RunAsync("publish", "quality", "--passed", "5", "--total", "4");
        var (verboseCode, _, verbose) = await RunAsync("publish", "quality", "--passed", "5", "--total", "4", "--verbose");

        code.Should().Be(1);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("passed is 5 and total is 4");
        verboseCode.Should().Be(1);
        verbose.Should().Contain("   at ");
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
