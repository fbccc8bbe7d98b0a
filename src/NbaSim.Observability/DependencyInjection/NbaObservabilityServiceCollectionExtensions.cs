using System.Diagnostics.Metrics;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NbaSim.Observability;
using NbaSim.Observability.Aws.CostExplorer;
using NbaSim.Observability.Configuration;
using NbaSim.Observability.Configuration.Schema;
using NbaSim.Observability.Internal;
using NbaSim.Observability.Pipeline;
using NbaSim.Observability.Publishers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers NbaSim.Observability: the recorder, the buffered sink, the exporter and the hosted service that flushes
/// (<c>AddNbaObservability</c>); the typed publishers and their schedules are added separately (<see cref="AddNbaPublishers"/>),
/// so an application that only times methods registers no publisher and no AWS client of theirs.
/// </summary>
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
        AddCore(services).Configure(o => ConfigurationBinding.Bind(section, o)).PostConfigure(o => ConfiguredLists.Apply(o, section));
        services.AddSingleton<IOptionsChangeTokenSource<NbaObservabilityOptions>>(new ConfigurationChangeTokenSource<NbaObservabilityOptions>(Options.Options.DefaultName, section));
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
        services.TryAddSingleton(sp => new SecondaryExporter(sp.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value.SecondaryExporter == MetricExporterKind.Otlp
            ? CreateOtlpExporter(sp)
            : null));
        services.TryAddSingleton(sp => new BufferedMetricSink(
            sp.GetRequiredService<MetricRegistry>(),
            sp.GetRequiredService<IMetricExporter>(),
            sp.GetRequiredService<SecondaryExporter>().Exporter,
            sp.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value,
            sp.GetService<ILogger<BufferedMetricSink>>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ObservabilityHostedService>());


        // After the sink's service: hosts stop services in reverse order, so the bridge stops before the last flush.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, NbaSim.Observability.Meters.MeterBridgeHostedService>());
        return builder;
    }

    /// <summary>
    /// Adds the typed publishers (<see cref="IS3UploadMetrics"/>, <see cref="IAdceHealthMetrics"/>, <see cref="IDataQualityMetrics"/>,
    /// <see cref="IDimsPublisher"/>, <see cref="ICostPublisher"/>, <see cref="IS3InventoryPublisher"/>) and the hosted scheduler that
    /// runs the periodic ones as <c>NbaObservability:Schedule</c> says. Call it after one of the <c>AddNbaObservability</c>
    /// overloads; calling it again adds nothing. Publishers, and the S3 and Cost Explorer clients they use, are created on
    /// first use.
    /// </summary>
    public static IServiceCollection AddNbaPublishers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCore(services);
        // Each publisher sees its part of the one validated NbaObservability options object.
        services.TryAddSingleton<IOptions<S3InventoryOptions>>(sp => Options.Options.Create(sp.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value.S3Inventory));
        services.TryAddSingleton<IOptions<CostPublisherOptions>>(sp => Options.Options.Create(sp.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value.Cost));
        services.TryAddSingleton<IOptions<DimsPublisherOptions>>(sp => Options.Options.Create(sp.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value.Dims));

        services.TryAddSingleton<IS3UploadMetrics, S3UploadMetrics>();
        services.TryAddSingleton<IAdceHealthMetrics, AdceHealthMetrics>();
        services.TryAddSingleton<IDataQualityMetrics, DataQualityMetrics>();
        services.TryAddSingleton<IDimsPublisher, DimsPublisher>();
        services.TryAddSingleton<ICostPublisher, CostPublisher>();
        services.TryAddSingleton<IS3InventoryPublisher, S3InventoryPublisher>();

        // AWS clients are created only when a publisher that needs them is first used.
        services.TryAddSingleton<IS3ObjectLister>(sp => new AmazonS3ObjectLister(CreateS3(sp)));
        services.TryAddSingleton<ICostExplorerClient>(sp =>
        {
            var cost = sp.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value.Cost;
            var config = new CostExplorerClientConfig();
            if (!string.IsNullOrEmpty(cost.ServiceUrl))
            {
                config.ServiceURL = cost.ServiceUrl;
                config.AuthenticationRegion = "us-east-1";
            }
            else
            {
                config.RegionEndpoint = Amazon.RegionEndpoint.USEast1;
            }

            return new CostExplorerClient(sp.GetService<AWSCredentials>(), config);
        });
        services.TryAddSingleton<ICostSource>(sp => new CostExplorerCostSource(sp.GetRequiredService<ICostExplorerClient>()));

        services.TryAddSingleton<PublisherScheduler>();
        services.TryAddSingleton<IPublisherScheduler>(sp => sp.GetRequiredService<PublisherScheduler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PublisherScheduler>(sp => sp.GetRequiredService<PublisherScheduler>()));
        return services;
    }

    private static Amazon.S3.AmazonS3Client CreateS3(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value.S3Inventory;
        var config = new Amazon.S3.AmazonS3Config();
        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1";
            config.ForcePathStyle = options.ForcePathStyle ?? true;
        }
        else if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
            config.ForcePathStyle = options.ForcePathStyle ?? false;
        }

        return services.GetService<AWSCredentials>() is { } credentials ? new Amazon.S3.AmazonS3Client(credentials, config) : new Amazon.S3.AmazonS3Client(config);
    }

    private static MetricRegistry CreateRegistry(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetService<ILogger<MetricRegistry>>();

        // Woven [ProfilePerformance] methods record into ProfilingHost.Current: make it this host's registry,
        // taking over what was recorded before any host existed.
        var registry = ProfilingHost.TryAdoptDefault(options, time, logger) ?? new MetricRegistry(options, time, logger);
        ProfilingHost.AttachHost(registry);
        return registry;
    }

    private static OtlpExporter CreateOtlpExporter(IServiceProvider services)
        => new(services.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value.Otlp, services.GetService<AWSCredentials>(), services.GetService<ILogger<OtlpExporter>>(), services.GetService<TimeProvider>());

    private static IMetricExporter CreateExporter(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<NbaObservabilityOptions>>();
        return options.Value.Exporter switch
        {
            MetricExporterKind.CloudWatch => new CloudWatchExporter(options.Value.CloudWatch, services.GetService<AWSCredentials>(), services.GetService<ILogger<CloudWatchExporter>>()),
            MetricExporterKind.Otlp => CreateOtlpExporter(services),
            _ => new EmfExporter(options, services.GetService<ILogger<EmfExporter>>()),
        };
    }
}
