namespace NbaSim.Observability.Tests.Packaging;

/// <summary>
/// The package depends on the lowest versions it works with, so an app pinned to the <c>.0</c> releases of
/// Microsoft.Extensions restores without NU1605 (a package downgrade, an error under TreatWarningsAsErrors) and runs.
/// Before the floors were lowered, the net10.0 consumer below failed: the package asked for Binder 10.0.15.
/// </summary>
[Collection(nameof(Profiling.DotnetBuildSerial))]
public class DependencyFloorTests
{
    [Theory]
    [InlineData("net10.0", "10.0.0")]
    [InlineData("net8.0", "8.0.0")]
    public async Task A_consumer_pinned_to_the_dot_zero_releases_restores_without_a_downgrade_and_runs(string framework, string pinned)
    {
        var ct = TestContext.Current.CancellationToken;
        var (work, feed, version) = await PackageConsumerTests.PackOnceAsync(ct);
        var app = Path.Combine(work, "floor-" + framework);
        Directory.CreateDirectory(app);
        string[] pins =
        [
            "Microsoft.Extensions.Configuration.Binder", "Microsoft.Extensions.Options", "Microsoft.Extensions.Options.ConfigurationExtensions",
            "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.DependencyInjection.Abstractions",
            "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Diagnostics.Abstractions",
            "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
        ];
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType><TargetFramework>{framework}</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors><RollForward>Major</RollForward><SuppressTfmSupportBuildWarnings>true</SuppressTfmSupportBuildWarnings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="NbaSim.Observability" Version="{version}" />
                {string.Join("\n    ", pins.Select(p => $"<PackageReference Include=\"{p}\" Version=\"{pinned}\" />"))}
              </ItemGroup>
            </Project>
            """, ct);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Microsoft.Extensions.Configuration;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Options;
            using NbaSim.Observability;
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["NbaObservability:FlushInterval"] = "00:00:03",
                ["NbaObservability:Emf:Path"] = "floor.emf",
            }).Build();
            var services = new ServiceCollection();
            services.AddNbaObservability(config);
            using var provider = services.BuildServiceProvider();
            var options = provider.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
            var metrics = provider.GetRequiredService<INbaMetrics>();
            // On net8.0 this is C# 12, which does not read `params ReadOnlySpan`: the dimensionless overloads make these compile.
            metrics.Counter("NBA-Simulator/Floor", "Pinned", MetricUnit.Count).Add(3);
            metrics.Distribution("NBA-Simulator/Floor", "Took", MetricUnit.Seconds, new SeriesOptions(HighResolution: true)).Record(0.5);
            using var gauge = metrics.ObservableGauge("NBA-Simulator/Floor", "Level", MetricUnit.Count, () => 1.0);
            Console.WriteLine($"FLOOR OK {options.FlushInterval} {typeof(ConfigurationBinder).Assembly.GetName().Version}");
            """, ct);
        await PackageConsumerTests.WriteNuGetConfigAsync(app, feed, ct);

        var run = await PackageConsumerTests.RunAsync("dotnet", "run -c Release", app, ct);

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().NotContain("NU1605").And.NotContain("NU1608");
        run.Output.Should().Contain($"FLOOR OK 00:00:03 {pinned}.0", "the app runs on the pinned binder, which binds the options");
    }
}
