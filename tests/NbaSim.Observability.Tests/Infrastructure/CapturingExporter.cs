using System.Collections.Concurrent;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>An exporter that keeps every batch it is given; optionally fails or sizes datums on demand.</summary>
internal sealed class CapturingExporter : IMetricExporter
{
    public ConcurrentQueue<IReadOnlyList<MetricDatum>> Batches { get; } = new();

    public Func<MetricDatum, int> Size { get; set; } = MetricBatchSizer.EstimateQueryBytes;

    public Func<IReadOnlyList<MetricDatum>, Exception?>? Fail { get; set; }

    public IEnumerable<MetricDatum> Datums => Batches.SelectMany(b => b);

    public int EstimateSize(MetricDatum datum) => Size(datum);

    public Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
    {
        if (Fail?.Invoke(batch) is { } error)
        {
            throw error;
        }

        Batches.Enqueue(batch.ToArray());
        return Task.FromResult(new ExportResult(1, batch.Sum(Size)));
    }
}
