using Microsoft.Extensions.Logging;
using NbaSim.Observability.Internal;

namespace NbaSim.Observability.Pipeline;

/// <summary>
/// Closes aggregation periods on time and hands their datums to the delivery queue. Nothing slow runs here: queue adds
/// are in memory (the spool writes on the publisher's thread) and gauge callbacks have a time limit.
/// </summary>
/// <remarks>
/// With <c>mergeRollups</c> it adds explicit merged rollup datums (PutMetricData); without, the exporter writes rollups
/// as dimension sets (EMF).
/// </remarks>
internal sealed class PeriodCollector(MetricRegistry registry, Action<MetricDatum> add, Action wake, ILogger logger, bool mergeRollups = true)
{
    /// <summary>Harvests closed periods (and open ones when asked) into the queue; returns the datums produced.</summary>
    public int CollectNow(bool includeOpenPeriods)
    {
        var output = new List<MetricDatum>();
        registry.Collect(registry.TimeProvider.GetUtcNow(), includeOpenPeriods, output);
        if (mergeRollups)
        {
            Aggregation.RollupMerger.AppendMerged(output);
        }
        foreach (var datum in output)
        {
            add(datum);
        }

        if (output.Count > 0)
        {
            wake();
        }

        return output.Count;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var time = registry.TimeProvider;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Wake at the next boundary, and at least every second so new high-resolution series start promptly.
            var delay = registry.NextBoundary() - time.GetUtcNow();
            delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay;
            try
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                CollectNow(includeOpenPeriods: false);
            }
            catch (Exception ex)
            {
                // Never let one bad period stop the collector: the next boundary is tried again.
                Log.PipelineError(logger, "collect", ex.GetType().Name, ex);
            }
        }
    }
}
