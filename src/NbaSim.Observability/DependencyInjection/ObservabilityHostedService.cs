using Microsoft.Extensions.Hosting;

namespace NbaSim.Observability.Internal;

/// <summary>Owns the flush lifecycle: starts the sink with the host and flushes everything when the host stops.</summary>
internal sealed class ObservabilityHostedService(BufferedMetricSink sink) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        sink.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => sink.StopAsync(cancellationToken);
}
