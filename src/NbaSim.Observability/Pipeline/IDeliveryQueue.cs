namespace NbaSim.Observability.Pipeline;

/// <summary>
/// Where datums wait between the collector and the publisher, with explicit acknowledgement: a datum leaves the queue
/// only when the publisher says it was delivered (or dropped for a reason it counted). In memory or on disk.
/// </summary>
/// <remarks>
/// <see cref="Add"/> may be called from any thread and never blocks on I/O. Every other member is called by the
/// publisher only, one call at a time.
/// </remarks>
internal interface IDeliveryQueue : IDisposable
{
    /// <summary>Datums not yet acknowledged: waiting, in flight, in memory or on disk.</summary>
    int Count { get; }

    /// <summary>Accepts a datum. Never blocks on I/O; when the memory bound is reached the oldest waiting datum is dropped (counted and logged).</summary>
    void Add(MetricDatum datum);

    /// <summary>Makes what was added durable (the disk queue writes it; the memory queue has nothing to do). Never throws for a disk fault.</summary>
    void Persist();

    /// <summary>The next batch, or <see langword="null"/> when nothing waits.</summary>
    /// <param name="shape">Batch limits.</param>
    /// <param name="newestFirst">Take the newest datums first (a shutdown with a deadline).</param>
    DeliveryLease? Lease(BatchShape shape, bool newestFirst = false);

    /// <summary>The export of <paramref name="lease"/> is over: <paramref name="undelivered"/> (a subset of its datums) waits again, at the front; the rest is acknowledged.</summary>
    void Complete(DeliveryLease lease, IReadOnlyList<MetricDatum> undelivered);

    /// <summary>End of a drain: make acknowledgements durable (the disk queue rewrites partly delivered files).</summary>
    void Checkpoint();
}

/// <summary>Limits of one batch: datums, bytes by the exporter's measure, and the age past which a datum is dropped.</summary>
internal readonly record struct BatchShape(int MaxDatums, int MaxBytes, Func<MetricDatum, int> SizeOf, DateTimeOffset ExpiredBefore)
{
    /// <summary>Bytes a request for a namespace spends around its datums (0 when the exporter does not say).</summary>
    public Func<string, int>? EnvelopeOf { get; init; }
}

/// <summary>A batch handed to the publisher, still owned by the queue until <see cref="IDeliveryQueue.Complete"/>.</summary>
internal sealed class DeliveryLease
{
    public DeliveryLease(List<QueuedDatum> items, int expired, DateTimeOffset oldestExpired)
    {
        Items = items;
        Datums = items.ConvertAll(i => i.Datum);
        Expired = expired;
        OldestExpired = oldestExpired;
    }

    public List<QueuedDatum> Items { get; }

    public List<MetricDatum> Datums { get; }

    /// <summary>Datums past CloudWatch's age limit found while building the batch: acknowledged as dropped.</summary>
    public int Expired { get; }

    public DateTimeOffset OldestExpired { get; }
}

/// <summary>A datum waiting in a delivery queue (the disk queue's own items also know their spool file).</summary>
internal class QueuedDatum(MetricDatum datum)
{
    public MetricDatum Datum { get; } = datum;
}
