using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NbaSim.Observability.Tests.Oracles;

namespace NbaSim.Observability.Tests.Packaging;

/// <summary>
/// Publishes a consumer of the packed package with <c>PublishAot=true</c> (host, options bound from configuration, a woven
/// method, the Meter bridge), fails on any trim or AOT warning, runs the native binary and reads its EMF output the way
/// CloudWatch would.
/// </summary>
[Collection(nameof(Profiling.DotnetBuildSerial))]
public partial class NativeAotConsumerTests(ITestOutputHelper output)
{
    private const int Calls = 400;

    [Fact]
    public async Task A_Native_AOT_consumer_publishes_with_no_warnings_and_its_EMF_has_every_call()
    {
        Infrastructure.RequiredTool.Require("clang", "Debian's clang (apt-get install clang zlib1g-dev): Native AOT links with it");
        Infrastructure.RequiredTool.RequireFile("/usr/include/zlib.h", "Debian's zlib1g-dev (apt-get install zlib1g-dev): Native AOT links with it");
        var ct = TestContext.Current.CancellationToken;
        var (work, feed, version) = await PackageConsumerTests.PackOnceAsync(ct);
        var root = PackageConsumerTests.RepositoryRoot();
        var app = Path.Combine(work, "aot");
        Directory.CreateDirectory(app);
        var template = Path.Combine(root, "tests", "AotConsumer");
        var hosting = HostingVersion().Match(await File.ReadAllTextAsync(Path.Combine(root, "Directory.Packages.props"), ct)).Groups[1].Value;
        await File.WriteAllTextAsync(Path.Combine(app, "AotConsumer.csproj"), (await File.ReadAllTextAsync(Path.Combine(template, "AotConsumer.csproj.template"), ct))
            .Replace("@VERSION@", version, StringComparison.Ordinal).Replace("@HOSTING_VERSION@", hosting, StringComparison.Ordinal), ct);
        File.Copy(Path.Combine(template, "Program.cs.template"), Path.Combine(app, "Program.cs"), overwrite: true);
        await PackageConsumerTests.WriteNuGetConfigAsync(app, feed, ct);

        var publish = await PackageConsumerTests.RunAsync("dotnet", "publish -c Release -r linux-x64 -o out", app, ct);

        publish.ExitCode.Should().Be(0, publish.Output);
        TrimOrAotWarning().Matches(publish.Output).Select(m => m.Value).Should().BeEmpty("the library is trim- and AOT-safe");
        var binary = Path.Combine(app, "out", "AotConsumer");
        File.Exists(binary).Should().BeTrue();
        File.Exists(Path.Combine(app, "out", "AotConsumer.dll")).Should().BeFalse("a native binary, not IL");

        var emf = Path.Combine(work, "aot.emf");
        var yaml = Path.Combine(work, "metrics.yaml");
        await File.WriteAllTextAsync(yaml, """
            s3_storage:
              total_objects: { value: 172719, unit: objects }
              total_size_gb: 118.26
            code_base:
              python_files: 1_203
              test_files: 418
            """, ct);
        var started = Stopwatch.StartNew();
        var run = await PackageConsumerTests.RunAsync(binary, $"\"{emf}\" {Calls} \"{yaml}\"", app, ct);
        started.Stop();
        run.ExitCode.Should().Be(0, run.Output);
        output.WriteLine($"binary {new FileInfo(binary).Length:N0} B; run of {Calls} calls {started.ElapsedMilliseconds} ms; {run.Output.Trim()}");

        var recorded = Recorded().Match(run.Output);
        recorded.Success.Should().BeTrue(run.Output);
        var failures = int.Parse(recorded.Groups["failures"].Value, CultureInfo.InvariantCulture);
        var latencySum = double.Parse(recorded.Groups["sum"].Value, CultureInfo.InvariantCulture);
        failures.Should().Be(Calls / 10);

        var lines = await File.ReadAllLinesAsync(emf, ct);

        // The woven method: one duration sample per call, by outcome.
        var ok = CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Performance", "FetchGameDuration", new Dictionary<string, string> { ["Status"] = "success" });
        var failed = CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Performance", "FetchGameDuration", new Dictionary<string, string> { ["Status"] = "failure" });
        ok.SampleCount.Should().Be(Calls - failures);
        failed.SampleCount.Should().Be(failures);

        // The Meter bridge: the counter's exact sum and the histogram's exact count and sum, per kept tag value.
        foreach (var route in new[] { "games", "players" })
        {
            var requests = CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Aot", "scraper.requests", new Dictionary<string, string> { ["route"] = route });
            requests.Sum.Should().Be(Calls / 2);
        }

        var latency = CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Aot", "scraper.latency");
        latency.SampleCount.Should().Be(Calls);
        latency.Sum.Should().BeApproximately(latencySum, 1e-9);
        latency.Maximum.Should().Be(0.25 * 39);

        // DIMS: YAML read and state saved in the native binary.
        run.Output.Should().Contain("dims 4 state=True");
        CloudWatchEmfRule.Extract(lines, "NBA-Simulator/DIMS", "DIMS_S3Objects").Sum.Should().Be(172719);
        CloudWatchEmfRule.Extract(lines, "NBA-Simulator/DIMS", "DIMS_S3SizeGB").Sum.Should().Be(118.26);
        CloudWatchEmfRule.Extract(lines, "NBA-Simulator/DIMS", "DIMS_PythonFiles").Sum.Should().Be(1203);
    }

    [GeneratedRegex(@"warning (IL\d{4}|IL\d{4}:)[^\r\n]*")]
    private static partial Regex TrimOrAotWarning();

    [GeneratedRegex(@"recorded calls=\d+ failures=(?<failures>\d+) latencySum=(?<sum>[0-9.E+-]+)")]
    private static partial Regex Recorded();

    [GeneratedRegex("\"Microsoft.Extensions.Hosting\" Version=\"([^\"]+)\"")]
    private static partial Regex HostingVersion();
}
