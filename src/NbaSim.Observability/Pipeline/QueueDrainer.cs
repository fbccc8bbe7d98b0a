using Microsoft.Extensions.Logging;
using NbaSim.Observability.Diagnostics;
using NbaSim.Observability.Internal;

namespace NbaSim.Observability.Pipeline;

/// <summary>
/// Takes batches from the delivery queue and exports them, up to the exporter's
/// <see cref="IMetricExporter.MaxConcurrentExports"/> at once, and acknowledges each with what was delivered. A failed
/// batch goes back to the front of the queue and the drain stops until the next flush, which paces retries during an
/// outage (one failed request per flush, not a storm).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The gate's wait handle is never created, so there is nothing to dispose; a drain abandoned at shutdown may still release it.")]
internal sealed class QueueDrainer(IDeliveryQueue queue, IMetricExporter exporter, NbaObservabilityOptions options, PipelineStatistics statistics, ILogger logger, TimeProvider time)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Exports everything waiting.</summary>
    /// <returns>True when the queue was drained; false when an export failed (what failed waits for the next drain).</returns>
    public async Task<bool> DrainAsync(bool newestFirst, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            queue.Persist();
            var parallel = Math.Max(1, exporter.MaxConcurrentExports);
            while (true)
            {
                var leases = new List<DeliveryLease>(parallel);
                var shape = new BatchShape(Math.Min(options.MaxDatumsPerBatch, Math.Max(1, exporter.MaxDatumsPerBatch)), options.MaxBatchBytes, exporter.EstimateSize, time.GetUtcNow() - MetricLimits.MaxAge)
                {
                    EnvelopeOf = exporter.EnvelopeSize,
                };
                while (leases.Count < parallel && queue.Lease(shape, newestFirst) is { } lease)
                {
                    if (lease.Expired > 0)
                    {
                        statistics.Dropped(lease.Expired);
                        Log.DroppedTooOld(logger, lease.Expired, lease.OldestExpired);
                    }

                    if (lease.Items.Count == 0)
                    {
                        queue.Complete(lease, []);
                        continue;
                    }

                    leases.Add(lease);
                }

                if (leases.Count == 0)
                {
                    return true;
                }

                var outcomes = await Task.WhenAll(leases.Select(l => ExportOneAsync(l.Datums, cancellationToken))).ConfigureAwait(false);
                var failed = false;
                for (var i = leases.Count - 1; i >= 0; i--)
                {
                    // Back to the front in reverse, so the queue keeps its order.
                    queue.Complete(leases[i], outcomes[i]);
                    failed |= outcomes[i].Count > 0;
                }

                if (failed)
                {
                    return false;
                }

                cancellationToken.ThrowIfCancellationRequested();

                // Datums that arrived meanwhile join, so a steady stream still leaves in full batches.
                queue.Persist();
            }
        }
        finally
        {
            try
            {
                queue.Checkpoint();
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Waits until no drain holds the queue, at most <paramref name="timeout"/>: true when idle (the gate is left free).</summary>
    public async Task<bool> WaitIdleAsync(TimeSpan timeout)
    {
        if (!await _gate.WaitAsync(timeout).ConfigureAwait(false))
        {
            return false;
        }

        _gate.Release();
        return true;
    }

    /// <summary>Persists what waits in memory, unless a drain holds the queue (then it is left alone): true when done.</summary>
    public bool TryPersist()
    {
        if (!_gate.Wait(0))
        {
            return false;
        }

        try
        {
            queue.Persist();
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Exports one batch; returns what was not delivered (empty on success). Never throws.</summary>
    private async Task<IReadOnlyList<MetricDatum>> ExportOneAsync(List<MetricDatum> batch, CancellationToken cancellationToken)
    {
        try
        {
            var result = await exporter.ExportAsync(batch, cancellationToken).ConfigureAwait(false);
            if (result.Undelivered is not { Count: > 0 } undelivered)
            {
                Delivered(batch.Count, result);
                return [];
            }

            // Part was delivered: keep only the rest, so nothing is sent twice.
            Delivered(batch.Count - undelivered.Count, result);
            var failure = result.Failure ?? new InvalidOperationException($"The exporter handed back {undelivered.Count} undelivered datum(s) without a reason.");
            statistics.ExportFailed(failure);
            Log.ExportFailed(logger, undelivered.Count, failure.GetType().Name, failure);
            return undelivered;
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                statistics.ExportFailed(ex);
                Log.ExportFailed(logger, batch.Count, ex.GetType().Name, ex);
            }

            return batch;
        }
    }

    private void Delivered(int datums, ExportResult result)
    {
        statistics.Exported(datums - result.RejectedDatums, result.BytesSent, result.Requests);
        if (result.RejectedDatums > 0)
        {
            statistics.Dropped(result.RejectedDatums);
        }
    }
}
