using System.Diagnostics;

namespace NbaSim.Observability.Tests.Packaging;

/// <summary>
/// Packs the library into a local folder feed, builds a separate consumer that has only
/// <c>&lt;PackageReference Include="NbaSim.Observability" /&gt;</c>, runs it, and checks what its woven methods recorded.
/// </summary>
[Collection(nameof(Profiling.DotnetBuildSerial))]
public class PackageConsumerTests
{
    [Fact]
    public async Task A_consumer_with_only_a_package_reference_is_woven_and_records_durations_and_statuses()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("nbasim-consumer-");
        var feed = Path.Combine(work.FullName, "feed");
        var version = $"0.1.0-ci.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

        var pack = await RunAsync("dotnet", $"pack \"{Path.Combine(root, "src", "NbaSim.Observability", "NbaSim.Observability.csproj")}\" -c Release -o \"{feed}\" -p:Version={version}", root, cancellationToken);
        pack.ExitCode.Should().Be(0, pack.Output);
        File.Exists(Path.Combine(feed, $"NbaSim.Observability.{version}.nupkg")).Should().BeTrue();
        File.Exists(Path.Combine(feed, $"NbaSim.Observability.{version}.snupkg")).Should().BeTrue("a symbols package is produced");

        var consumer = Path.Combine(work.FullName, "consumer");
        Directory.CreateDirectory(consumer);
        var template = Path.Combine(root, "tests", "PackageConsumer");
        await File.WriteAllTextAsync(Path.Combine(consumer, "PackageConsumer.csproj"), (await File.ReadAllTextAsync(Path.Combine(template, "PackageConsumer.csproj.template"), cancellationToken)).Replace("@VERSION@", version, StringComparison.Ordinal), cancellationToken);
        File.Copy(Path.Combine(template, "Program.cs.template"), Path.Combine(consumer, "Program.cs"));
        await WriteNuGetConfigAsync(consumer, feed, cancellationToken);

        var emf = Path.Combine(work.FullName, "consumer.emf");
        var run = await RunAsync("dotnet", $"run -c Release -- \"{emf}\"", consumer, cancellationToken);

        run.Output.Should().Contain("PACKAGE CONSUMER OK");
        run.ExitCode.Should().Be(0, run.Output);
        work.Delete(recursive: true);
    }

    [Fact]
    public async Task NbaSimDisableProfilingWeaver_builds_and_runs_with_no_other_change_and_weaves_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (work, feed, version) = await PackOnceAsync(ct);
        var app = await WriteConsumerAsync(work, feed, "optout", version, "<NbaSimDisableProfilingWeaver>true</NbaSimDisableProfilingWeaver>", ct);

        var run = await RunAsync("dotnet", "run -c Release", app, ct);

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("UNWOVEN 42").And.NotContain("No weavers found");
    }

    [Fact]
    public async Task A_woven_app_that_never_builds_a_host_is_told_once_on_stderr_what_to_add()
    {
        var ct = TestContext.Current.CancellationToken;
        var (work, feed, version) = await PackOnceAsync(ct);
        var app = await WriteConsumerAsync(work, feed, "nohost", version, string.Empty, ct);

        var run = await RunAsync("dotnet", "run -c Release", app, ct);

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("WOVEN 42");
        run.Output.Split('\n').Count(l => l.Contains("no host was built with services.AddNbaObservability(...)", StringComparison.Ordinal)).Should().Be(1, run.Output);
    }

    [Fact]
    public async Task Flipping_the_opt_out_takes_effect_on_an_incremental_build_both_ways()
    {
        var ct = TestContext.Current.CancellationToken;
        var (work, feed, version) = await PackOnceAsync(ct);
        var app = await WriteConsumerAsync(work, feed, "incremental", version, string.Empty, ct);

        // woven → opt-out → woven, with no source change in between: each build is incremental.
        foreach (var (arguments, woven) in new[] { ("", true), (" -p:NbaSimDisableProfilingWeaver=true", false), ("", true) })
        {
            var run = await RunAsync("dotnet", "run -c Release" + arguments, app, ct);
            run.ExitCode.Should().Be(0, run.Output);
            var line = run.Output.Split('\n').Select(l => l.Trim()).Single(l => l.EndsWith("WOVEN 42", StringComparison.Ordinal));
            line.Should().Be(woven ? "WOVEN 42" : "UNWOVEN 42", $"after `dotnet run -c Release{arguments}`");
        }
    }

    [Fact]
    public async Task A_FodyWeavers_xml_without_the_profiling_weaver_is_a_build_error_that_says_how_to_add_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (work, feed, version) = await PackOnceAsync(ct);
        var app = await WriteConsumerAsync(work, feed, "unlisted", version, string.Empty, ct);
        await File.WriteAllTextAsync(Path.Combine(app, "FodyWeavers.xml"), "<Weavers xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" />", ct);

        var build = await RunAsync("dotnet", "build -c Release", app, ct);

        build.ExitCode.Should().NotBe(0);
        build.Output.Should().Contain("NBASIM001").And.Contain("Add <NbaSimProfilingWeaver /> inside <Weavers> in FodyWeavers.xml");
    }

    [Fact]
    public async Task An_app_that_gets_the_package_through_a_library_builds_and_its_own_methods_are_woven()
    {
        var ct = TestContext.Current.CancellationToken;
        var (work, feed, version) = await PackOnceAsync(ct);
        var library = Path.Combine(work, "transitive", "Lib");
        Directory.CreateDirectory(library);
        await File.WriteAllTextAsync(Path.Combine(library, "Lib.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup>
              <ItemGroup><PackageReference Include="NbaSim.Observability" Version="{version}" /></ItemGroup>
            </Project>
            """, ct);
        await File.WriteAllTextAsync(Path.Combine(library, "Library.cs"), """
            namespace Lib;
            public static class Library
            {
                [NbaSim.Observability.ProfilePerformance("LibraryWork")]
                public static int Work(int x) => x + 1;
            }
            """, ct);
        var app = await WriteConsumerAsync(work, feed, Path.Combine("transitive", "App"), version, string.Empty, ct, packageReference: false);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), (await File.ReadAllTextAsync(Path.Combine(app, "App.csproj"), ct))
            .Replace("</Project>", "  <ItemGroup><ProjectReference Include=\"../Lib/Lib.csproj\" /></ItemGroup>\n</Project>", StringComparison.Ordinal), ct);
        File.Copy(Path.Combine(app, "nuget.config"), Path.Combine(work, "transitive", "nuget.config"), overwrite: true);

        var run = await RunAsync("dotnet", "run -c Release", app, ct);

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("WOVEN 42");
    }

    private static readonly SemaphoreSlim PackGate = new(1, 1);
    private static (string Work, string Feed, string Version)? s_packed;

    /// <summary>Packs the library once for the consumer tests of this run.</summary>
    internal static async Task<(string Work, string Feed, string Version)> PackOnceAsync(CancellationToken ct)
    {
        await PackGate.WaitAsync(ct);
        try
        {
            if (s_packed is { } done)
            {
                return done;
            }

            var root = RepositoryRoot();
            var work = Directory.CreateTempSubdirectory("nbasim-consumers-").FullName;
            var feed = Path.Combine(work, "feed");
            var version = $"0.1.0-ci.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}.2";
            var pack = await RunAsync("dotnet", $"pack \"{Path.Combine(root, "src", "NbaSim.Observability", "NbaSim.Observability.csproj")}\" -c Release -o \"{feed}\" -p:Version={version}", root, ct);
            pack.ExitCode.Should().Be(0, pack.Output);
            s_packed = (work, feed, version);
            return s_packed.Value;
        }
        finally
        {
            PackGate.Release();
        }
    }

    /// <summary>A console app with one [ProfilePerformance] method; prints WOVEN or UNWOVEN and the method's result.</summary>
    private static async Task<string> WriteConsumerAsync(string work, string feed, string name, string version, string properties, CancellationToken ct, bool packageReference = true)
    {
        var app = Path.Combine(work, name);
        Directory.CreateDirectory(app);
        var reference = packageReference ? $"<ItemGroup><PackageReference Include=\"NbaSim.Observability\" Version=\"{version}\" /></ItemGroup>" : string.Empty;
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><TreatWarningsAsErrors>true</TreatWarningsAsErrors>{properties}</PropertyGroup>
              {reference}
            </Project>
            """, ct);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            var woven = typeof(Work).Assembly.GetType("<NbaSimProfiles>") is not null;
            System.Console.WriteLine($"{(woven ? "WOVEN" : "UNWOVEN")} {Work.Answer(41)}");
            static class Work
            {
                [NbaSim.Observability.ProfilePerformance("Answer")]
                public static int Answer(int x) => x + 1;
            }
            """, ct);
        await WriteNuGetConfigAsync(app, feed, ct);
        return app;
    }

    /// <summary>A nuget.config that restores the package from the local feed and the rest from the mirror.</summary>
    internal static Task WriteNuGetConfigAsync(string directory, string feed, CancellationToken ct)
        => File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """, ct);

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NbaSim.Observability.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    internal static Task<(int ExitCode, string Output)> RunAsync(string file, string arguments, string workingDirectory, CancellationToken cancellationToken)
        => RunAsync(new ProcessStartInfo(file, arguments), workingDirectory, cancellationToken);

    /// <summary>Runs one command line through bash, as a reader would paste it.</summary>
    internal static Task<(int ExitCode, string Output)> RunShellAsync(string commandLine, string workingDirectory, CancellationToken cancellationToken)
        => RunAsync(new ProcessStartInfo("bash") { ArgumentList = { "-c", commandLine } }, workingDirectory, cancellationToken);

    private static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, string workingDirectory, CancellationToken cancellationToken)
    {
        start.WorkingDirectory = workingDirectory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
