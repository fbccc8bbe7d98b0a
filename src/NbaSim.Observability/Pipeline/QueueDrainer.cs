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
                var shape = new BatchShape(Math.Min(options.MaxDatumsPerBatch, Math.Max(1, exporter.MaxDatumsPerBatch)), options.MaxBatchBytes, SizeOf, time.GetUtcNow() - MetricLimits.MaxAge)
                {
                    EnvelopeOf = EnvelopeOf,
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
                    queue.Complete(leases[i], outcomes[i].Back);
                    failed |= outcomes[i].Back.Count > 0 || outcomes[i].Replacements.Count > 0;
                }

                var replaced = false;
                foreach (var outcome in outcomes)
                {
                    // Datums the exporter made from the batch's (the unsent part of a datum it split): new data, queued.
                    foreach (var replacement in outcome.Replacements)
                    {
                        queue.Add(replacement);
                        replaced = true;
                    }
                }

                if (replaced)
                {
                    // Durable before the checkpoint makes the originals' acknowledgement durable: a crash in between
                    // must not lose the unsent pieces.
                    queue.Persist();
                }

                // Files part of which was just delivered are rewritten with the rest now, not at the end of the drain: a
                // crash during a long drain (a backlog) would otherwise send the delivered part again on restart.
                queue.Checkpoint();

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

    /// <summary>
    /// Exports one batch. Returns the batch's own datums to keep (none on success) and, separately, datums the exporter
    /// handed back that are not the batch's own (the unsent part of a datum it split, or copies): those are queued as
    /// new data, so nothing handed back is lost whatever the exporter returns. Never throws.
    /// </summary>
    private async Task<(IReadOnlyList<MetricDatum> Back, IReadOnlyList<MetricDatum> Replacements)> ExportOneAsync(List<MetricDatum> batch, CancellationToken cancellationToken)
    {
        try
        {
            var result = await exporter.ExportAsync(batch, cancellationToken).ConfigureAwait(false);
            if (result.Undelivered is not { Count: > 0 } undelivered)
            {
                Delivered(batch.Count, result);
                return ([], []);
            }

            // Part was delivered: keep only the rest, so nothing is sent twice. What counts as delivered is what the
            // batch does not get back, whatever the list holds (duplicates, foreign datums).
            var (back, replacements) = Sort(batch, undelivered);
            Delivered(batch.Count - back.Count, result);
            var failure = result.Failure ?? new InvalidOperationException($"The exporter handed back {undelivered.Count} undelivered datum(s) without a reason.");
            statistics.ExportFailed(failure);
            Log.ExportFailed(logger, back.Count + replacements.Count, failure.GetType().Name, failure);
            return (back, replacements);
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                statistics.ExportFailed(ex);
                Log.ExportFailed(logger, batch.Count, ex.GetType().Name, ex);
            }

            return (batch, []);
        }
    }

    /// <summary>
    /// Splits what an exporter handed back into the batch's own datums (by reference, each at most as often as it is in
    /// the batch) and the others.
    /// </summary>
    private static (List<MetricDatum> Back, List<MetricDatum> Replacements) Sort(List<MetricDatum> batch, IReadOnlyList<MetricDatum> undelivered)
    {
        var inBatch = new Dictionary<MetricDatum, int>(ReferenceEqualityComparer.Instance);
        foreach (var datum in batch)
        {
            inBatch[datum] = inBatch.GetValueOrDefault(datum) + 1;
        }

        var back = new List<MetricDatum>(undelivered.Count);
        var replacements = new List<MetricDatum>();
        foreach (var datum in undelivered)
        {
            if (datum is null)
            {
                continue;
            }

            if (inBatch.TryGetValue(datum, out var left))
            {
                if (left > 0)
                {
                    inBatch[datum] = left - 1;
                    back.Add(datum);
                }
            }
            else
            {
                replacements.Add(datum);
            }
        }

        return (back, replacements);
    }

    /// <summary>The exporter's size of a datum; one it cannot measure goes in a batch of its own instead of stopping every drain.</summary>
    private int SizeOf(MetricDatum datum)
    {
        try
        {
            return exporter.EstimateSize(datum);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ExporterMeasureFailed(logger, nameof(IMetricExporter.EstimateSize), ex);
            return int.MaxValue / 2;
        }
    }

    private int EnvelopeOf(string ns)
    {
        try
        {
            return exporter.EnvelopeSize(ns);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ExporterMeasureFailed(logger, nameof(IMetricExporter.EnvelopeSize), ex);
            return 0;
        }
    }

    private void Delivered(int datums, ExportResult result)
    {
        // An exporter's count of refused datums is trusted only within what left the batch.
        var rejected = Math.Clamp(result.RejectedDatums, 0, datums);
        statistics.Exported(datums - rejected, result.BytesSent, result.Requests);
        if (rejected > 0)
        {
            statistics.Dropped(rejected);
        }
    }
}
