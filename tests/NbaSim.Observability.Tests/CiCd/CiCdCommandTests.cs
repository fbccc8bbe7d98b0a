using System.Diagnostics;
using NbaSim.Observability.Tests.Infrastructure;
using NbaSim.Observability.Tests.Oracles;
using static NbaSim.Observability.Tests.MonitoringAsCode.CliTests;

namespace NbaSim.Observability.Tests.CiCd;

/// <summary><c>nbaobs publish tests|pipeline</c> and <c>nbaobs time</c> against moto, read back with aws-cli.</summary>
public sealed class CiCdCommandTests(MotoServer moto) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nbaobs-cicd-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_real_pytest_JUnit_report_publishes_exactly_its_counts()
    {
        Infrastructure.RequiredTool.RequirePythonModule("pytest", "Debian's python3-pytest (apt-get install python3-pytest)");
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "test_sample.py"), """
            import pytest

            @pytest.fixture
            def broken():
                raise RuntimeError("fixture failed")

            def test_pass_1(): assert True
            def test_pass_2(): assert 1 + 1 == 2
            def test_pass_3(): assert "nba"
            def test_fail_1(): assert False
            def test_fail_2(): assert 1 == 2
            def test_error(broken): assert True

            @pytest.mark.skip(reason="not today")
            def test_skip_1(): assert True

            def test_skip_2(): pytest.skip("no data")
            """, ct);
        var report = Path.Combine(_dir.FullName, "report.xml");
        var pytest = await Packaging.PackageConsumerTests.RunAsync("/usr/bin/python3", $"-m pytest -q -p no:cacheprovider --junitxml={report} test_sample.py", _dir.FullName, ct);
        pytest.ExitCode.Should().Be(1, pytest.Output);

        var url = await moto.UrlAsync();
        var suite = $"pytest-{Guid.NewGuid():N}"[..20];
        var started = DateTimeOffset.UtcNow;
        var (code, stdout, stderr) = await RunAsync("publish", "tests", "--junit", report, "--suite", suite, "--endpoint-url", url);

        code.Should().Be(0, stderr);
        stdout.Should().Contain("3 passed, 3 failed, 2 skipped");
        async Task<double> Sum(string metric) => (await AwsCli.StatisticsAsync(url, "NBA-Simulator/CICD", metric, started, ("Suite", suite))).Sum;
        (await Sum("TestsPassed")).Should().Be(3);
        (await Sum("TestsFailed")).Should().Be(3, "two failures and one error");
        (await Sum("TestsSkipped")).Should().Be(2);
        (await Sum("TestPassRate")).Should().Be(50);
        (await AwsCli.StatisticsAsync(url, "NBA-Simulator/CICD", "TestDuration", started, ("Suite", suite))).SampleCount.Should().Be(8, "one duration per test case");
        (await Sum("TestSuiteDuration")).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_TRX_report_is_read_too()
    {
        var trx = Path.Combine(_dir.FullName, "results.trx");
        await File.WriteAllTextAsync(trx, """
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun id="1" name="ci@runner 2026-11-30" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Times creation="2026-11-30T10:00:00.000+00:00" start="2026-11-30T10:00:00.000+00:00" finish="2026-11-30T10:00:42.500+00:00" />
              <Results>
                <UnitTestResult testName="A" duration="00:00:01.5000000" outcome="Passed" />
                <UnitTestResult testName="B" duration="00:00:00.2500000" outcome="Failed" />
                <UnitTestResult testName="C" duration="00:00:00" outcome="NotExecuted" />
                <UnitTestResult testName="D" duration="00:00:02" outcome="Passed" />
              </Results>
            </TestRun>
            """, TestContext.Current.CancellationToken);

        var report = Cli.CiCd.TestReportReader.ReadTrx(trx);

        (report.Passed, report.Failed, report.Skipped).Should().Be((2, 1, 1));
        report.DurationSeconds.Should().Be(42.5);
        report.TestSeconds.Should().Equal(1.5, 0.25, 0, 2);
        report.SuiteName.Should().Be("ci@runner 2026-11-30");
    }

    [Fact]
    public async Task A_truncated_report_publishes_nothing_and_names_the_file_line_and_problem()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new LoopbackAwsServer((r, _) => LoopbackAwsServer.Ok(r.Action));
        var good = Path.Combine(_dir.FullName, "good.xml");
        await File.WriteAllTextAsync(good, "<testsuites><testsuite name=\"s\" time=\"1\"><testcase name=\"a\" time=\"0.5\"/></testsuite></testsuites>", ct);
        var truncated = Path.Combine(_dir.FullName, "truncated.xml");
        await File.WriteAllTextAsync(truncated, "<testsuites>\n<testsuite name=\"s\" time=\"1\">\n<testcase name=\"a\" time=\"0.5\">\n<failure message=\"x\">", ct);

        var (code, _, stderr) = await RunAsync("publish", "tests", "--junit", good, truncated, "--endpoint-url", server.Url.TrimEnd('/'));

        code.Should().Be(2);
        stderr.Should().StartWith($"nbaobs: {truncated}:4: ").And.Contain("truncated").And.Contain("nothing was published");
        server.Requests.Should().BeEmpty("a malformed file publishes nothing, not even the good one");
    }

    [Fact]
    public async Task Publish_pipeline_takes_a_duration_or_a_start_time()
    {
        var url = await moto.UrlAsync();
        var name = $"ci-{Guid.NewGuid():N}"[..16];
        var started = DateTimeOffset.UtcNow;

        (await RunAsync("publish", "pipeline", "--pipeline", name, "--duration", "12.5", "--status", "success", "--endpoint-url", url)).Code.Should().Be(0);
        (await RunAsync("publish", "pipeline", "--pipeline", name, "--started-at", DateTimeOffset.UtcNow.AddSeconds(-30).ToString("O"), "--status", "failure", "--endpoint-url", url)).Code.Should().Be(0);
        (await RunAsync("publish", "pipeline", "--pipeline", name, "--status", "success", "--endpoint-url", url)).Code.Should().Be(2, "neither --duration nor --started-at");

        (await AwsCli.StatisticsAsync(url, "NBA-Simulator/CICD", "PipelineDuration", started, ("Pipeline", name), ("Status", "success"))).Sum.Should().Be(12.5);
        (await AwsCli.StatisticsAsync(url, "NBA-Simulator/CICD", "PipelineDuration", started, ("Pipeline", name), ("Status", "failure"))).Sum.Should().BeInRange(29, 40);
    }

    [Fact]
    public async Task Switched_off_publishing_says_so_sends_nothing_and_exits_0()
    {
        var url = await moto.UrlAsync();
        var name = $"off-{Guid.NewGuid():N}"[..16];
        var config = Path.Combine(_dir.FullName, "off.json");
        await File.WriteAllTextAsync(config, """{ "NbaObservability": { "Enabled": false } }""", TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await RunAsync("publish", "pipeline", "--pipeline", name, "--duration", "12.5", "--status", "success", "--endpoint-url", url, "--config", config);
        var json = await RunAsync("publish", "pipeline", "--pipeline", name, "--duration", "12.5", "--status", "success", "--endpoint-url", url, "--config", config, "--output", "json");
        var on = await RunAsync("publish", "pipeline", "--pipeline", name + "-on", "--duration", "12.5", "--status", "success", "--endpoint-url", url);

        code.Should().Be(0, "turning it off is a choice, not a fault");
        stderr.Should().Contain("switched off").And.Contain("nothing was published");
        stdout.Should().Contain("nothing was published").And.NotContain(" published\n");
        json.Stdout.Should().Contain("\"switchedOff\": true").And.Contain("\"published\": false");
        on.Code.Should().Be(0, on.Stderr);
        using var listed = await AwsCli.RunAsync(url, "cloudwatch", "list-metrics", "--namespace", "NBA-Simulator/CICD", "--metric-name", "PipelineDuration");
        var pipelines = listed.RootElement.GetProperty("Metrics").EnumerateArray()
            .SelectMany(m => m.GetProperty("Dimensions").EnumerateArray()).Where(d => d.GetProperty("Name").GetString() == "Pipeline").Select(d => d.GetProperty("Value").GetString()).ToList();
        pipelines.Should().Contain(name + "-on", "the control run, switched on, published").And.NotContain(name);
    }

    [Theory]
    [InlineData(new[] { "sleep", "1" }, "Sleep")]
    [InlineData(new[] { "/usr/bin/make", "test" }, "Make")]
    [InlineData(new[] { "./run tests.sh" }, "Runtests")]
    [InlineData(new[] { "pre-commit", "run" }, "Pre-commit")]
    [InlineData(new[] { "\u00e9t\u00e9" }, "T")]
    [InlineData(new[] { "\u00e9\u00e9" }, "Command")]
    public void Time_without_operation_names_it_after_the_command(string[] command, string expected)
        => NbaSim.Observability.Cli.NbaObsCommand.OperationOf(command).Should().Be(expected);

    [Fact]
    public async Task Time_returns_the_commands_exit_code_and_publishes_one_duration_with_its_status()
    {
        var url = await moto.UrlAsync();
        var operation = $"Hook{Guid.NewGuid():N}"[..16];
        var started = DateTimeOffset.UtcNow;

        var failed = await RunAsync("time", "--operation", operation, "--endpoint-url", url, "--", "sh", "-c", "sleep 0.2; exit 3");
        var passed = await RunAsync("time", "--operation", operation, "--endpoint-url", url, "--", "true");

        failed.Code.Should().Be(3, failed.Stderr);
        passed.Code.Should().Be(0, passed.Stderr);
        var failure = await AwsCli.StatisticsAsync(url, "NBA-Simulator/Performance", operation + "Duration", started, ("Status", "failure"));
        failure.SampleCount.Should().Be(1);
        failure.Minimum.Should().BeGreaterThanOrEqualTo(0.2);
        (await AwsCli.StatisticsAsync(url, "NBA-Simulator/Performance", operation + "Duration", started, ("Status", "success"))).SampleCount.Should().Be(1);

        // --operation left out: the command names it.
        var unnamed = await RunAsync("time", "--endpoint-url", url, "--", "true");
        unnamed.Code.Should().Be(0, unnamed.Stderr);
        (await AwsCli.StatisticsAsync(url, "NBA-Simulator/Performance", "TrueDuration", started, ("Status", "success"))).SampleCount.Should().Be(1);
    }

    [Fact]
    public async Task Time_keeps_the_exit_code_and_a_short_bound_when_publishing_fails()
    {
        var watch = Stopwatch.StartNew();

        var (code, _, stderr) = await RunAsync("time", "--operation", "Lint", "--publish-timeout", "00:00:02", "--endpoint-url", "http://127.0.0.1:9", "--", "sh", "-c", "exit 5");

        code.Should().Be(5);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2 + 15), "bounded by --publish-timeout plus start-up on a busy machine");
        stderr.Should().Contain("LintDuration was not published").And.Contain("exit code 5 is kept");
    }

    [Fact]
    public async Task Time_forwards_SIGTERM_to_the_command_and_exits_with_its_code()
    {
        var ct = TestContext.Current.CancellationToken;
        var nbaobs = NbaobsProcess.Dll;
        var ready = Path.Combine(_dir.FullName, "ready");
        using var process = Helper.Start("dotnet", nbaobs, "time", "--operation", "Trapped", "--publish-timeout", "00:00:01", "--endpoint-url", "http://127.0.0.1:9", "--",
            "sh", "-c", $"trap 'exit 42' TERM; touch '{ready}'; while true; do sleep 0.1; done");
        while (!File.Exists(ready))
        {
            await Task.Delay(50, ct);
        }

        using (var kill = Process.Start("kill", $"-TERM {process.Id}"))
        {
            await kill.WaitForExitAsync(ct);
        }

        await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(120), ct);
        process.ExitCode.Should().Be(42, "the command got the signal and its exit code is nbaobs's");
    }
}
