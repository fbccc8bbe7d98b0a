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
        await File.WriteAllTextAsync(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """, cancellationToken);

        var emf = Path.Combine(work.FullName, "consumer.emf");
        var run = await RunAsync("dotnet", $"run -c Release -- \"{emf}\"", consumer, cancellationToken);

        run.Output.Should().Contain("PACKAGE CONSUMER OK");
        run.ExitCode.Should().Be(0, run.Output);
        work.Delete(recursive: true);
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NbaSim.Observability.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    internal static async Task<(int ExitCode, string Output)> RunAsync(string file, string arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
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
