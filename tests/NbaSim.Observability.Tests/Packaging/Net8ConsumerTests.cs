using System.Globalization;

namespace NbaSim.Observability.Tests.Packaging;

/// <summary>
/// The net8.0 build binds options through another version of the configuration binder's source generator (8.0.x, so
/// net8.0 consumers keep the 8.x Microsoft.Extensions line) than the net10.0 build. A consumer targeting net8.0 is built
/// from the packed package and run (rolled forward to the installed runtime, as this machine has no .NET 8) to check
/// that every kind of setting binds.
/// </summary>
[Collection(nameof(Profiling.DotnetBuildSerial))]
public class Net8ConsumerTests
{
    [Fact]
    public async Task A_net8_consumer_binds_every_kind_of_setting_from_configuration()
    {
        var ct = TestContext.Current.CancellationToken;
        var (work, feed, version) = await PackageConsumerTests.PackOnceAsync(ct);
        var app = Path.Combine(work, "net8");
        Directory.CreateDirectory(app);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType><TargetFramework>net8.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings>
                <RollForward>Major</RollForward><SuppressTfmSupportBuildWarnings>true</SuppressTfmSupportBuildWarnings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="NbaSim.Observability" Version="{version}" />
                <PackageReference Include="Microsoft.Extensions.Configuration" Version="8.0.0" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="8.0.1" />
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
                ["NbaObservability:Enabled"] = "false",
                ["NbaObservability:Exporter"] = "CloudWatch",
                ["NbaObservability:FlushInterval"] = "00:00:03",
                ["NbaObservability:MaxSeriesPerNamespace"] = "77",
                ["NbaObservability:CloudWatch:Protocol"] = "Query",
                ["NbaObservability:Spool:MaxBytes"] = "12345678",
                ["NbaObservability:Meters:0:Name"] = "System.Net.Http",
                ["NbaObservability:Meters:0:Instruments:0"] = "http.client.request.duration",
                ["NbaObservability:Meters:0:Dimensions:0"] = "server.address",
                ["NbaObservability:Monitoring:ProfiledOperations:0"] = "Only",
                ["NbaObservability:Dims:Mappings:0:Key"] = "a.b",
                ["NbaObservability:Dims:Mappings:0:MetricName"] = "AB",
                ["NbaObservability:Dims:Mappings:0:Unit"] = "Bytes",
                ["NbaObservability:Dims:Mappings:0:Dimensions:Env"] = "prod",
                ["NbaObservability:Schedule:Cost:Enabled"] = "true",
            }).Build();
            var services = new ServiceCollection();
            services.AddNbaObservability(config);
            using var provider = services.BuildServiceProvider();
            var o = provider.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
            Console.WriteLine(string.Join("|", "BOUND", o.Enabled, o.Exporter, o.FlushInterval, o.MaxSeriesPerNamespace, o.CloudWatch.Protocol, o.Spool.MaxBytes,
                o.Meters.Count, o.Meters[0].Name, o.Meters[0].Namespace, string.Join(",", o.Meters[0].Instruments), string.Join(",", o.Meters[0].Dimensions),
                string.Join(",", o.Monitoring.ProfiledOperations), o.Dims.Mappings.Count, o.Dims.Mappings[0].Unit, o.Dims.Mappings[0].Dimensions["Env"], o.Schedule.Cost.Enabled));
            """, ct);
        await PackageConsumerTests.WriteNuGetConfigAsync(app, feed, ct);

        var run = await PackageConsumerTests.RunAsync("dotnet", "run -c Release", app, ct);

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain(string.Join("|", "BOUND", false, "CloudWatch", TimeSpan.FromSeconds(3).ToString("c", CultureInfo.InvariantCulture), 77, "Query", 12345678,
            1, "System.Net.Http", "NBA-Simulator/Runtime", "http.client.request.duration", "server.address", "Only", 1, "Bytes", "prod", true));
    }
}
