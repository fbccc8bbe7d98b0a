using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NbaSim.Observability;
using NbaSim.Observability.Profiling;
using Amazon.Runtime;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Export.CloudWatch;
using NbaSim.Observability.Export.Emf;
using NbaSim.Observability.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers NbaSim.Observability: the recorder, the buffered sink, the exporter and the hosted service that flushes.</summary>
public static class NbaObservabilityServiceCollectionExtensions
{
    /// <summary>Adds NbaSim.Observability configured in code. Calling it again only adds the configuration.</summary>
    public static IServiceCollection AddNbaObservability(this IServiceCollection services, Action<NbaObservabilityOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = AddCore(services);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return services;
    }

    /// <summary>Adds NbaSim.Observability bound from the section <c>NbaObservability</c> of <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddNbaObservability(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration as IConfigurationSection is { Key: NbaObservabilityOptions.SectionName } own
            ? own
            : configuration.GetSection(NbaObservabilityOptions.SectionName);
        return services.AddNbaObservability(section);
    }

    /// <summary>Adds NbaSim.Observability bound from <paramref name="section"/>.</summary>
    public static IServiceCollection AddNbaObservability(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        AddCore(services).Bind(section);
        return services;
    }

    private static OptionsBuilder<NbaObservabilityOptions> AddCore(IServiceCollection services)
    {
        var builder = services.AddOptions<NbaObservabilityOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NbaObservabilityOptions>, NbaObservabilityOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(CreateRegistry);
        services.TryAddSingleton<INbaMetrics>(sp => sp.GetRequiredService<MetricRegistry>());
        services.TryAddSingleton<IMetricExporter>(CreateExporter);
        services.TryAddSingleton(sp => new BufferedMetricSink(
            sp.GetRequiredService<MetricRegistry>(),
            sp.GetRequiredService<IMetricExporter>(),
            sp.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value,
            sp.GetService<ILogger<BufferedMetricSink>>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ObservabilityHostedService>());
        return builder;
    }

    private static MetricRegistry CreateRegistry(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetService<ILogger<MetricRegistry>>();

        // Woven [ProfilePerformance] methods record into ProfilingHost.Current: make it this host's registry,
        // taking over what was recorded before any host existed.
        var registry = ProfilingHost.TryAdoptDefault(options, time, logger) ?? new MetricRegistry(options, time, logger);
        ProfilingHost.Attach(registry);
        return registry;
    }

    private static IMetricExporter CreateExporter(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<NbaObservabilityOptions>>();
        return options.Value.Exporter switch
        {
            MetricExporterKind.CloudWatch => new CloudWatchExporter(
                new CloudWatchClient(services.GetService<AWSCredentials>(), CloudWatchClientFactory.CreateConfig(options.Value.CloudWatch)),
                options.Value.CloudWatch.MaxConcurrentRequests,
                services.GetService<ILogger<CloudWatchExporter>>(),
                ownsClient: true),
            _ => new EmfExporter(options, services.GetService<ILogger<EmfExporter>>()),
        };
    }
}
