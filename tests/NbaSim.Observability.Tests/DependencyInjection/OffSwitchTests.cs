using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.DependencyInjection;

/// <summary><c>NbaObservability:Enabled=false</c> and <c>NBAOBS_DISABLED=1</c>: nothing recorded, no exporter, no background work.</summary>
public class OffSwitchTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Enabled_false_records_nothing_builds_no_exporter_and_runs_nothing(bool enabled)
    {
        var meterName = $"OffSwitch.{Guid.NewGuid():N}";
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NbaObservability:Enabled"] = enabled ? "true" : "false",
            ["NbaObservability:FlushInterval"] = "00:00:00.200",
            ["NbaObservability:ObservableGaugeTimeout"] = "00:00:30", // the gauge's read must not be skipped on a busy machine
            ["NbaObservability:Meters:0:Name"] = meterName,
        });

        // Registered first, so AddNbaObservability keeps it: counts how often the pipeline builds an exporter.
        var exporter = new CapturingExporter();
        var built = 0;
        builder.Services.AddSingleton<IMetricExporter>(_ =>
        {
            Interlocked.Increment(ref built);
            return exporter;
        });
        builder.Services.AddNbaObservability(builder.Configuration);

        var gaugeReads = 0;
        using var meter = new Meter(meterName);
        var requests = meter.CreateCounter<long>("requests");
        using (var host = builder.Build())
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            var metrics = host.Services.GetRequiredService<INbaMetrics>();
            metrics.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted").Add(7);
            metrics.Distribution("NBA-Simulator/Performance", "DataExtractionDuration", MetricUnit.Seconds).Record(1.5);
            using var gauge = metrics.ObservableGauge("NBA-Simulator/ADCE", "QueueDepth", MetricUnit.Count, () => Interlocked.Increment(ref gaugeReads), default);
            metrics.Enqueue(MetricDatum.CreateValue("NBA-Simulator/ADCE", "Direct", 1, MetricUnit.Count, DateTimeOffset.UtcNow)).Should().BeTrue();
            requests.Add(3);
            requests.Enabled.Should().Be(enabled, "the Meter bridge listens only when the pipeline is on");
            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        if (enabled)
        {
            // The control: the same program, switched on, delivers every kind.
            built.Should().Be(1);
            exporter.Datums.Select(d => d.MetricName).Should().Contain(["ADCETasksCompleted", "DataExtractionDuration", "QueueDepth", "Direct", "requests"]);
            gaugeReads.Should().BeGreaterThan(0);
        }
        else
        {
            built.Should().Be(0, "no exporter is built when the pipeline is off");
            exporter.Batches.Should().BeEmpty();
            gaugeReads.Should().Be(0, "no collector runs, so no callback is ever read");
        }
    }

    [Fact]
    public async Task A_hosted_service_registered_earlier_can_publish_from_its_StartAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        var exporter = new CapturingExporter();
        builder.Services.AddSingleton<IMetricExporter>(exporter);
        builder.Services.AddHostedService<PublishesOnStart>();
        builder.Services.AddNbaObservability(builder.Configuration);

        using (var host = builder.Build())
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        exporter.Datums.Should().Contain(d => d.MetricName == "StartedAt");
    }

    [Fact]
    public async Task A_registry_the_application_registered_is_switched_off_too_and_Publish_discards()
    {
        var builder = Host.CreateApplicationBuilder();
        var own = new MetricRegistry();
        builder.Services.AddSingleton(own);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["NbaObservability:Enabled"] = "false" });
        builder.Services.AddNbaObservability(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);

        own.IsSwitchedOff.Should().BeTrue();
        own.Enqueue(MetricDatum.CreateValue("NBA-Simulator/ADCE", "Direct", 1, MetricUnit.Count, DateTimeOffset.UtcNow)).Should().BeTrue("discarded, not a 'no sink' failure");
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void A_switched_off_registry_keeps_no_samples()
    {
        var registry = new MetricRegistry(new NbaObservabilityOptions { Enabled = false });
        var counter = registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted");
        var duration = registry.Distribution("NBA-Simulator/Performance", "DataExtractionDuration", MetricUnit.Seconds);
        counter.Add(5);
        duration.Record(2);
        duration.Record(double.NaN);

        var output = new List<MetricDatum>();
        registry.Collect(DateTimeOffset.UtcNow.AddHours(1), includeOpenPeriods: true, output).Should().Be(0);
        output.Should().BeEmpty();
        registry.GetDiagnostics().SamplesRejected.Should().Be(0, "a switched-off series does not even validate");
    }

    [Fact]
    public async Task NBAOBS_DISABLED_turns_a_real_host_off_while_the_application_keeps_recording()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGTERM is a Unix signal; CI runs on Linux
        }

        var dir = Directory.CreateTempSubdirectory("nbaobs-off-");
        try
        {
            var off = await RunHostAsync(Path.Combine(dir.FullName, "off.emf"), "1");
            var on = await RunHostAsync(Path.Combine(dir.FullName, "on.emf"), null);
            var typo = await RunHostAsync(Path.Combine(dir.FullName, "typo.emf"), "yes");

            on.Recorded.Should().BeGreaterThan(0);
            on.Published.Should().Be(on.Recorded, "the control run, switched on, flushes every increment");
            off.Recorded.Should().BeGreaterThan(0, "the application itself runs as before");
            off.EmfWritten.Should().BeFalse("with NBAOBS_DISABLED=1 nothing is exported");
            off.Output.Should().Contain("switched off (NBAOBS_DISABLED is set)");
            typo.EmfWritten.Should().BeTrue("a value that is not 1/true leaves the pipeline on");
            typo.Output.Should().Contain("NBAOBS_DISABLED is 'yes', which is not 1, true, 0 or false");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(long Recorded, double Published, bool EmfWritten, string Output)> RunHostAsync(string emf, string? disabled)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Helper.Path);
        start.ArgumentList.Add("host");
        start.ArgumentList.Add(emf);
        start.Environment[NbaObservabilityOptions.DisabledEnvironmentVariable] = disabled;
        using var host = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        string? line;
        do
        {
            line = await host.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            output.AppendLine(line);
        }
        while (line is not null && line != "ready");

        line.Should().Be("ready");
        var rest = host.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        using (var kill = Process.Start("kill", $"-TERM {host.Id}"))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await host.WaitForExitAsync(TestContext.Current.CancellationToken);
        host.ExitCode.Should().Be(0);
        output.Append(await rest);
        var recorded = long.Parse(await File.ReadAllTextAsync(emf + ".recorded", TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (!File.Exists(emf))
        {
            return (recorded, 0, false, output.ToString());
        }

        using var reader = File.OpenText(emf);
        var published = EmfReader.Read(reader).Where(r => r.MetricName == "ADCETasksCompleted").Sum(r => r.Statistics!.Value.Sum);
        return (recorded, published, true, output.ToString());
    }

    private sealed class PublishesOnStart(INbaMetrics metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            metrics.Enqueue(MetricDatum.CreateValue("NBA-Simulator/ADCE", "StartedAt", 1, MetricUnit.Count, DateTimeOffset.UtcNow)).Should().BeTrue();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
