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

    /// <summary>
    /// The stop's final collection: every period, open ones included, then the count of samples that stalled threads
    /// keep (<see cref="MetricRegistry.ReportSamplesLeftBehind"/>).
    /// </summary>
    public int CollectFinal()
    {
        var datums = CollectNow(includeOpenPeriods: true);
        registry.ReportSamplesLeftBehind();
        return datums;
    }

    /// <summary>
    /// Closes periods until <paramref name="cancellationToken"/> is cancelled. On the system clock the loop has a thread
    /// of its own: a starved thread pool (timer callbacks and continuations queue there) cannot make it late.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (registry.TimeProvider != TimeProvider.System)
        {
            return RunOnTimeProviderAsync(cancellationToken);
        }

        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                while (!cancellationToken.WaitHandle.WaitOne(Delay()))
                {
                    CollectOnce();
                }
            }
            finally
            {
                ended.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "NbaSim.Observability collector",
        };
        thread.Start();
        return ended.Task;
    }

    private async Task RunOnTimeProviderAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Delay(), registry.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            CollectOnce();
        }
    }

    /// <summary>Until the next boundary, and at most a second so new high-resolution series start promptly.</summary>
    private TimeSpan Delay()
    {
        var delay = registry.NextBoundary() - registry.TimeProvider.GetUtcNow();
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay;
    }

    private void CollectOnce()
    {
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
