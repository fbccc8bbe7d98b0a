using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace NbaSim.Observability.Tests.DependencyInjection;

public class AddNbaObservabilityTests
{
    [Fact]
    public async Task Configuration_binds_from_the_NbaObservability_section_and_the_host_flushes_on_stop()
    {
        var path = Path.Combine(Path.GetTempPath(), $"emf-{Guid.NewGuid():N}.log");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NbaObservability:Exporter"] = "Emf",
            ["NbaObservability:Emf:Path"] = path,
            ["NbaObservability:FlushInterval"] = "00:00:02",
            ["NbaObservability:MaxSeriesPerNamespace"] = "50",
        });
        builder.Services.AddNbaObservability(builder.Configuration);

        using (var host = builder.Build())
        {
            var options = host.Services.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
            options.FlushInterval.Should().Be(TimeSpan.FromSeconds(2));
            options.MaxSeriesPerNamespace.Should().Be(50);
            host.Services.GetRequiredService<IMetricExporter>().Should().BeOfType<EmfExporter>().Which.Destination.Should().Be(path);

            await host.StartAsync(TestContext.Current.CancellationToken);
            var metrics = host.Services.GetRequiredService<INbaMetrics>();
            metrics.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted").Add(7);
            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
        lines.Should().ContainSingle().Which.Should().Contain("\"ADCETasksCompleted\":{\"Max\":7,\"Min\":7,\"Count\":1,\"Sum\":7}");
    }

    [Fact]
    public void Calling_it_twice_registers_one_pipeline()
    {
        var services = new ServiceCollection();
        services.AddNbaObservability(o => o.MaxSeriesPerNamespace = 10);
        services.AddNbaObservability(o => o.FlushInterval = TimeSpan.FromSeconds(3));

        services.Count(s => s.ServiceType == typeof(IHostedService)).Should().Be(2, "the flush lifecycle and the Meter bridge, once each (the publisher schedule comes with AddNbaPublishers)");
        services.Count(s => s.ServiceType == typeof(IValidateOptions<NbaObservabilityOptions>)).Should().Be(1);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
        options.MaxSeriesPerNamespace.Should().Be(10);
        options.FlushInterval.Should().Be(TimeSpan.FromSeconds(3));
        provider.GetRequiredService<INbaMetrics>().Should().BeSameAs(provider.GetRequiredService<MetricRegistry>());
    }

    [Theory]
    [InlineData("FlushInterval", "00:00:00", "NbaObservability:FlushInterval is 00:00:00; it must be between")]
    [InlineData("AggregationPeriod", "00:00:07", "NbaObservability:AggregationPeriod is 00:00:07")]
    [InlineData("MaxSeriesPerNamespace", "0", "NbaObservability:MaxSeriesPerNamespace is 0; it must be between 1 and 1,000,000")]
    [InlineData("MaxDatumsPerBatch", "1001", "NbaObservability:MaxDatumsPerBatch is 1001")]
    [InlineData("Emf:AgentEndpoint", "http://x:1", "NbaObservability:Emf:AgentEndpoint is 'http://x:1'")]
    [InlineData("CloudWatch:ServiceUrl", "not a url", "NbaObservability:CloudWatch:ServiceUrl is 'not a url'")]
    public async Task Invalid_settings_fail_at_start_up_naming_the_setting(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"NbaObservability:{key}"] = value });
        builder.Services.AddNbaObservability(builder.Configuration);
        using var host = builder.Build();

        var start = () => host.StartAsync(TestContext.Current.CancellationToken);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(expected);
    }

    [Fact]
    public async Task Self_telemetry_is_visible_through_a_MeterListener()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddNbaObservability(o => o.Emf.Path = Path.Combine(Path.GetTempPath(), $"emf-{Guid.NewGuid():N}.log"));
        await using var provider = services.BuildServiceProvider();
        var sink = provider.GetRequiredService<BufferedMetricSink>();
        var metrics = provider.GetRequiredService<INbaMetrics>();
        metrics.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted").Add(2);
        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        var seen = new Dictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "NbaSim.Observability")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => seen[i.Name] = v);
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => seen[i.Name] = v);
        listener.Start();
        listener.RecordObservableInstruments();

        seen["nbasim.observability.samples.aggregated"].Should().Be(1);
        seen["nbasim.observability.datums.exported"].Should().Be(1);
        seen["nbasim.observability.batches.exported"].Should().Be(1);
        seen["nbasim.observability.bytes.exported"].Should().BeGreaterThan(0);
        seen["nbasim.observability.datums.dropped"].Should().Be(0);
        seen["nbasim.observability.queue.depth"].Should().Be(0);
        seen["nbasim.observability.series.live"].Should().Be(1);
    }
}
