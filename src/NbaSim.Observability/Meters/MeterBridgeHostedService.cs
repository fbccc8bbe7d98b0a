using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace NbaSim.Observability.Meters;

/// <summary>Starts the Meter bridge with the host when <c>NbaObservability:Meters</c> lists any meter; stops it before the sink's last flush.</summary>
internal sealed class MeterBridgeHostedService(MetricRegistry registry, IOptions<NbaObservabilityOptions> options, ILogger<MeterBridge>? logger = null, TimeProvider? time = null) : IHostedService, IDisposable
{
    private MeterBridge? _bridge;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Meters is { Count: > 0 } meters && !Configuration.ObservabilitySwitch.IsDisabled(options.Value))
        {
            _bridge = new MeterBridge(registry, [.. meters], logger ?? (ILogger)NullLogger.Instance, time);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Registered after the sink's hosted service, so this stops first: observable values are read one last time and
        // the sink's final flush carries them. The read has the callback time limit, and the host's token ends the wait
        // sooner: a blocked callback never holds the shutdown.
        if (_bridge is { } bridge)
        {
            try
            {
                await Task.Run(bridge.RecordObservablesNow, CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host is out of time: what was not read is missing from the last period.
            }
        }

        Dispose();
    }

    public void Dispose()
    {
        _bridge?.Dispose();
        _bridge = null;
    }
}
