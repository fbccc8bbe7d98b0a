using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Reliability;

/// <summary>Every public entry point validates options as <c>AddNbaObservability</c> does: same rule, same message.</summary>
public sealed class OptionsEntryPointTests
{
    public static TheoryData<string> BadOptions => ["MaxDatumsPerBatch=0", "FlushInterval=0", "FlushInterval=-1s", "ShutdownTimeout=infinite", "MaxQueuedDatums=0", "AggregationPeriod=3600", "ObservableGaugeTimeout=0"];

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void The_sink_and_the_registry_refuse_what_dependency_injection_refuses_with_the_same_message(string bad)
    {
        var di = Assert.Throws<OptionsValidationException>(() =>
        {
            using var provider = new ServiceCollection().AddNbaObservability(o => Apply(o, bad)).BuildServiceProvider();
            _ = provider.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
        });

        var options = new NbaObservabilityOptions();
        Apply(options, bad);
        var registry = Assert.Throws<OptionsValidationException>(() => new MetricRegistry(options));
        var sink = Assert.Throws<OptionsValidationException>(() => new BufferedMetricSink(new MetricRegistry(), new CapturingExporter(), options));

        di.Message.Should().Contain(bad.Split('=')[0]);
        registry.Message.Should().Be(di.Message);
        sink.Message.Should().Be(di.Message);
    }

    [Fact]
    public void An_aggregation_period_longer_than_a_shipped_alarm_names_both()
    {
        var options = new NbaObservabilityOptions { AggregationPeriod = TimeSpan.FromHours(1) };

        var error = Assert.Throws<OptionsValidationException>(() => new MetricRegistry(options));

        error.Message.Should().Contain("AggregationPeriod is 3600 s").And.Contain("300-second period of alarm").And.Contain("at most 300 s");
        new MetricRegistry(new NbaObservabilityOptions { AggregationPeriod = TimeSpan.FromSeconds(300) }).Should().NotBeNull("300 s fits every shipped alarm");
    }

    [Fact]
    public void The_exporters_refuse_what_their_options_refuse_with_the_same_message()
    {
        var di = Assert.Throws<OptionsValidationException>(() =>
        {
            using var provider = new ServiceCollection().AddNbaObservability(o => o.CloudWatch.MaxConcurrentRequests = 0).BuildServiceProvider();
            _ = provider.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
        });
        using var client = new NbaSim.Observability.Aws.CloudWatch.CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("a", "b"), new NbaSim.Observability.Aws.CloudWatch.CloudWatchClientConfig { ServiceURL = "http://127.0.0.1:1", AuthenticationRegion = "us-east-1" });
        Assert.Throws<OptionsValidationException>(() => new CloudWatchExporter(client, 0)).Message.Should().Be(di.Message);

        var emfDi = Assert.Throws<OptionsValidationException>(() =>
        {
            using var provider = new ServiceCollection().AddNbaObservability(o => o.Emf.AgentEndpoint = "http://agent:25888").BuildServiceProvider();
            _ = provider.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
        });
        Assert.Throws<OptionsValidationException>(() => new EmfExporter(new EmfExporterOptions { AgentEndpoint = "http://agent:25888" })).Message.Should().Be(emfDi.Message);
    }

    private static void Apply(NbaObservabilityOptions o, string bad)
    {
        switch (bad)
        {
            case "MaxDatumsPerBatch=0": o.MaxDatumsPerBatch = 0; break;
            case "FlushInterval=0": o.FlushInterval = TimeSpan.Zero; break;
            case "FlushInterval=-1s": o.FlushInterval = TimeSpan.FromSeconds(-1); break;
            case "ShutdownTimeout=infinite": o.ShutdownTimeout = Timeout.InfiniteTimeSpan; break;
            case "MaxQueuedDatums=0": o.MaxQueuedDatums = 0; break;
            case "AggregationPeriod=3600": o.AggregationPeriod = TimeSpan.FromHours(1); break;
            case "ObservableGaugeTimeout=0": o.ObservableGaugeTimeout = TimeSpan.Zero; break;
        }
    }
}
