using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NbaSim.Observability.Publishers;

namespace NbaSim.Observability.Tests.DependencyInjection;

/// <summary>The publishers are a second, separate way in: <c>AddNbaObservability</c> alone registers none of them.</summary>
public class AddNbaPublishersTests
{
    private static readonly Type[] PublisherServices =
    [
        typeof(IS3UploadMetrics), typeof(IAdceHealthMetrics), typeof(IDataQualityMetrics), typeof(IDimsPublisher),
        typeof(ICostPublisher), typeof(IS3InventoryPublisher), typeof(IPublisherScheduler), typeof(IS3ObjectLister), typeof(ICostSource),
    ];

    [Fact]
    public void AddNbaObservability_alone_registers_no_publisher_no_scheduler_and_no_client_of_theirs()
    {
        var services = new ServiceCollection().AddNbaObservability(o => o.Emf.Path = Path.Combine(Path.GetTempPath(), $"emf-{Guid.NewGuid():N}.log"));

        services.Select(d => d.ServiceType).Should().NotIntersectWith(PublisherServices);
        services.Where(d => d.ServiceType == typeof(IHostedService)).Select(d => d.ImplementationType ?? d.ImplementationFactory?.Method.ReturnType)
            .Should().NotContain(typeof(PublisherScheduler));
    }

    [Fact]
    public async Task AddNbaPublishers_registers_every_publisher_once_and_the_scheduler_as_a_hosted_service()
    {
        var services = new ServiceCollection().AddNbaObservability(o => o.Emf.Path = Path.Combine(Path.GetTempPath(), $"emf-{Guid.NewGuid():N}.log"))
            .AddNbaPublishers().AddNbaPublishers();

        foreach (var type in PublisherServices)
        {
            services.Count(d => d.ServiceType == type).Should().Be(1, type.Name);
        }

        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IS3UploadMetrics>().Should().NotBeNull();
        provider.GetRequiredService<IAdceHealthMetrics>().Should().NotBeNull();
        provider.GetServices<IHostedService>().OfType<PublisherScheduler>().Should().ContainSingle();
    }

    [Fact]
    public async Task A_schedule_enabled_without_AddNbaPublishers_is_named_in_a_start_up_warning()
    {
        var logs = new FakeLogCollector();
        var services = new ServiceCollection()
            .AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs)))
            .AddNbaObservability(o =>
            {
                o.Emf.Path = Path.Combine(Path.GetTempPath(), $"emf-{Guid.NewGuid():N}.log");
                o.Schedule.Cost.Enabled = true;
            });
        await using var provider = services.BuildServiceProvider();
        _ = provider.GetServices<IHostedService>().ToList();

        logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).Should().ContainSingle()
            .Which.Should().Contain("Schedule:Cost:Enabled").And.Contain("AddNbaPublishers()");

        // With the publishers registered there is nothing to warn about.
        var quiet = new FakeLogCollector();
        await using var withPublishers = new ServiceCollection()
            .AddLogging(l => l.AddProvider(new FakeLoggerProvider(quiet)))
            .AddNbaObservability(o =>
            {
                o.Emf.Path = Path.Combine(Path.GetTempPath(), $"emf-{Guid.NewGuid():N}.log");
                o.Schedule.Cost.Enabled = true;
            })
            .AddNbaPublishers()
            .BuildServiceProvider();
        _ = withPublishers.GetServices<IHostedService>().ToList();
        quiet.GetSnapshot().Should().NotContain(r => r.Message.Contains("AddNbaPublishers", StringComparison.Ordinal));
    }
}
