namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>An export that does not return until released, and ignores cancellation: the exporter a stop cannot trust.</summary>
internal sealed class GatedExporter : IMetricExporter
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public void Release() => _release.TrySetResult();

    public int EstimateSize(MetricDatum datum) => 100;

    public async Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        await _release.Task;
        return new ExportResult(1, 100 * batch.Count);
    }
}
