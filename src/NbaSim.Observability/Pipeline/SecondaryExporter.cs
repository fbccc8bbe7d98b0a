namespace NbaSim.Observability.Pipeline;

/// <summary>The dual-write destination (<c>SecondaryExporter</c>), held by the container so that it is disposed with it.</summary>
internal sealed class SecondaryExporter(IMetricExporter? exporter) : IDisposable
{
    public IMetricExporter? Exporter { get; } = exporter;

    public void Dispose() => (Exporter as IDisposable)?.Dispose();
}
