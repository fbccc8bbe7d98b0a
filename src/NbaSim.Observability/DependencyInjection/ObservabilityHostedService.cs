using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NbaSim.Observability.Configuration;

namespace NbaSim.Observability.Internal;

/// <summary>
/// Starts and stops the sink with the host. The sink (and with it the exporter) is created only when the pipeline is
/// on, so <c>Enabled=false</c> builds no exporter and starts no background work. It is created with this service, before
/// any hosted service starts, so one registered earlier can already publish from its own <c>StartAsync</c>.
/// </summary>
internal sealed class ObservabilityHostedService : IHostedService
{
    private readonly BufferedMetricSink? _sink;

    public ObservabilityHostedService(IServiceProvider services, IOptions<NbaObservabilityOptions> options, ILogger<ObservabilityHostedService>? logger = null)
    {
        foreach (var warning in options.Value.UnknownSettings)
        {
            Log.UnknownSetting(logger ?? (ILogger)NullLogger.Instance, warning);
        }

        if (ObservabilitySwitch.UnrecognizedEnvironmentValue is { } value)
        {
            Log.SwitchValueUnrecognized(logger ?? (ILogger)NullLogger.Instance, NbaObservabilityOptions.DisabledEnvironmentVariable, value);
        }

        if (ObservabilitySwitch.IsDisabled(options.Value))
        {
            Log.SwitchedOff(logger ?? (ILogger)NullLogger.Instance, options.Value.Enabled ? $"{NbaObservabilityOptions.DisabledEnvironmentVariable} is set" : "Enabled is false");

            // Decided here once: a registry registered by the application is switched off too, so nothing accumulates
            // without a sink and Enqueue discards instead of failing.
            services.GetService<MetricRegistry>()?.SwitchOff();
            return;
        }

        _sink = services.GetRequiredService<BufferedMetricSink>();
        WarnIfScheduledWithoutPublishers(services, options.Value.Schedule, logger ?? (ILogger)NullLogger.Instance);
    }

    private static void WarnIfScheduledWithoutPublishers(IServiceProvider services, ScheduleOptions? schedule, ILogger logger)
    {
        if (services.GetService<IPublisherScheduler>() is not null)
        {
            return;
        }

        foreach (var (name, enabled) in new[] { ("S3Inventory", schedule?.S3Inventory?.Enabled == true), ("Cost", schedule?.Cost?.Enabled == true), ("Dims", schedule?.Dims?.Enabled == true) })
        {
            if (enabled)
            {
                Log.ScheduleWithoutPublishers(logger, name);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sink?.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _sink?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
