using System.Text.Json;
using System.Text.RegularExpressions;

namespace NbaSim.Observability.Tests.Packaging;

/// <summary>
/// README's "Your first app, from nothing", run as written: the blocks marked <c>&lt;!-- first-app: … --&gt;</c> are read
/// from README.md itself (so the README cannot drift from what works), the only change being the feed's path. It packs
/// with <c>eng/pack.sh</c>, builds and runs the app against the packed package, reads the EMF file it wrote as plain
/// JSON (not through the library's reader), and installs <c>nbaobs</c> from the same feed as a dotnet tool.
/// </summary>
[Collection(nameof(Profiling.DotnetBuildSerial))]
public partial class FirstAppFromReadmeTests
{
    private const string FeedPlaceholder = "/path/to/NbaSim.Observability/artifacts/feed";

    [Fact]
    public async Task The_first_app_and_the_tool_work_from_the_readme_blocks_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = PackageConsumerTests.RepositoryRoot();
        var blocks = ReadmeBlocks(await File.ReadAllTextAsync(Path.Combine(root, "README.md"), ct));
        blocks.Keys.Should().BeEquivalentTo(["pack", "nuget.config", "csproj", "Program.cs", "appsettings.json", "run"]);
        var work = Directory.CreateTempSubdirectory("nbasim-first-app-").FullName;
        var feed = Path.Combine(work, "feed");

        // 1. The pack command, into this test's own feed.
        var packCommand = Commands(blocks["pack"]).Single();
        packCommand.Should().Be("bash eng/pack.sh");
        var pack = await PackageConsumerTests.RunShellAsync($"{packCommand} --output '{feed}'", root, ct);
        pack.ExitCode.Should().Be(0, pack.Output);
        var version = pack.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last(l => VersionLine().IsMatch(l));
        foreach (var file in new[] { $"NbaSim.Observability.{version}.nupkg", $"NbaSim.Observability.{version}.snupkg", $"NbaSim.Observability.Cli.{version}.nupkg" })
        {
            File.Exists(Path.Combine(feed, file)).Should().BeTrue($"eng/pack.sh packs {file}");
        }

        // 2–5. The app's files, as README writes them.
        var app = Path.Combine(work, "MyScraper");
        Directory.CreateDirectory(app);
        blocks["nuget.config"].Should().Contain(FeedPlaceholder);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), blocks["nuget.config"].Replace(FeedPlaceholder, feed, StringComparison.Ordinal), ct);
        await File.WriteAllTextAsync(Path.Combine(app, "MyScraper.csproj"), blocks["csproj"], ct);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), blocks["Program.cs"], ct);
        await File.WriteAllTextAsync(Path.Combine(app, "appsettings.json"), blocks["appsettings.json"], ct);

        // 6. The run block, line by line.
        var commands = Commands(blocks["run"]);
        commands.Should().HaveCount(4);
        var run = await PackageConsumerTests.RunShellAsync(commands[0], app, ct);
        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("scraped 100 games");

        var (calls, sources, rows) = ReadEmf(Path.Combine(app, "metrics.emf"));
        calls.Should().Be(100, "each of the 100 woven calls is one BoxScoreScrapeDuration sample with Status=success");
        sources.Should().Equal(["espn"], "the attribute's Dimensions reach the document");
        rows.Should().Be(2500, "BoxScoreRows is the exact sum of 100 × 25");

        commands[1].Should().Contain(FeedPlaceholder);
        var install = await PackageConsumerTests.RunShellAsync(commands[1].Replace(FeedPlaceholder, feed, StringComparison.Ordinal), app, ct);
        install.ExitCode.Should().Be(0, install.Output);
        install.Output.Should().Contain($"version '{version}'");

        var toolVersion = await PackageConsumerTests.RunShellAsync(commands[2], app, ct);
        toolVersion.ExitCode.Should().Be(0, toolVersion.Output);
        toolVersion.Output.Trim().Should().StartWith(version + "+", "--version is the package version and the commit");

        var help = await PackageConsumerTests.RunShellAsync(commands[3], app, ct);
        help.ExitCode.Should().Be(0, help.Output);
        help.Output.Should().Contain("plan").And.Contain("apply").And.Contain("publish");

        Directory.Delete(work, recursive: true);
    }

    /// <summary>The fenced block that follows each <c>&lt;!-- first-app: NAME --&gt;</c> marker, by NAME.</summary>
    internal static Dictionary<string, string> ReadmeBlocks(string readme)
        => FirstAppBlock().Matches(readme).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["body"].Value.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");

    /// <summary>The commands of a shell block, without their trailing comments.</summary>
    private static List<string> Commands(string block)
        => block.Split('\n').Select(l => (l.Contains(" #", StringComparison.Ordinal) ? l[..l.IndexOf(" #", StringComparison.Ordinal)] : l).Trim()).Where(l => l.Length > 0).ToList();

    /// <summary>Reads the EMF file as the EMF specification defines it: one JSON document per line.</summary>
    private static (double Calls, List<string> Sources, double Rows) ReadEmf(string path)
    {
        double calls = 0, rows = 0;
        var sources = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.TryGetProperty("BoxScoreScrapeDuration", out var duration) && root.GetProperty("Status").GetString() == "success")
            {
                calls += SampleCount(duration);
                sources.Add(root.GetProperty("Source").GetString()!);
            }

            if (root.TryGetProperty("BoxScoreRows", out var counter))
            {
                rows += counter.ValueKind == JsonValueKind.Number ? counter.GetDouble() : counter.GetProperty("Sum").GetDouble();
            }
        }

        return (calls, sources.ToList(), rows);
    }

    private static double SampleCount(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => 1,
        JsonValueKind.Array => value.GetArrayLength(),
        _ when value.TryGetProperty("Count", out var count) => count.GetDouble(),
        _ => value.GetProperty("Counts").EnumerateArray().Sum(c => c.GetDouble()),
    };

    [GeneratedRegex(@"<!-- first-app: (?<name>\S+) -->\r?\n```[a-z]*\r?\n(?<body>.*?)\r?\n```", RegexOptions.Singleline)]
    private static partial Regex FirstAppBlock();

    [GeneratedRegex(@"^\d+\.\d+\.\d+(\.\d+)?$")]
    private static partial Regex VersionLine();
}
