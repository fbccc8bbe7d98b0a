namespace NbaSim.Observability.Pipeline;

/// <summary>Takes one batch out of a waiting list: one namespace, within the datum and byte limits, expired datums removed.</summary>
internal static class BatchBuilder
{
    /// <summary>
    /// Removes the next batch from <paramref name="waiting"/>: datums of the first (or, newest first, the last) datum's
    /// namespace in list order, as PutMetricData takes one namespace per call. Datums of other namespaces keep their place.
    /// </summary>
    public static DeliveryLease? Take(LinkedList<QueuedDatum> waiting, BatchShape shape, bool newestFirst, List<QueuedDatum> expired)
    {
        var items = new List<QueuedDatum>();
        string? ns = null;
        var bytes = 0;
        var oldest = DateTimeOffset.MaxValue;
        var expiredBefore = expired.Count;
        for (var node = newestFirst ? waiting.Last : waiting.First; node is not null && items.Count < shape.MaxDatums;)
        {
            var next = newestFirst ? node.Previous : node.Next;
            var datum = node.Value.Datum;
            if (datum.Timestamp < shape.ExpiredBefore)
            {
                expired.Add(node.Value);
                oldest = datum.Timestamp < oldest ? datum.Timestamp : oldest;
                waiting.Remove(node);
            }
            else if (ns is null || string.Equals(datum.Namespace, ns, StringComparison.Ordinal))
            {
                var size = shape.SizeOf(datum);
                if (items.Count > 0 && bytes + size > shape.MaxBytes)
                {
                    break;
                }

                if (ns is null)
                {
                    ns = datum.Namespace;
                    bytes = shape.EnvelopeOf?.Invoke(ns) ?? 0;
                }

                bytes += size;
                items.Add(node.Value);
                waiting.Remove(node);
            }

            node = next;
        }

        if (newestFirst)
        {
            items.Reverse();
        }

        return items.Count == 0 && expired.Count == expiredBefore ? null : new DeliveryLease(items, expired.Count - expiredBefore, oldest);
    }

    /// <summary>Splits a finished lease into what goes back to the queue (in order) and what was delivered.</summary>
    public static (List<QueuedDatum> Back, List<QueuedDatum> Delivered) Partition(DeliveryLease lease, IReadOnlyList<MetricDatum> undelivered)
    {
        if (undelivered.Count == 0)
        {
            return ([], lease.Items);
        }

        var pending = new Dictionary<MetricDatum, int>(ReferenceEqualityComparer.Instance);
        foreach (var datum in undelivered)
        {
            pending[datum] = pending.GetValueOrDefault(datum) + 1;
        }

        var delivered = new List<QueuedDatum>(lease.Items.Count);
        var back = new List<QueuedDatum>(undelivered.Count);
        foreach (var item in lease.Items)
        {
            if (pending.TryGetValue(item.Datum, out var n) && n > 0)
            {
                pending[item.Datum] = n - 1;
                back.Add(item);
            }
            else
            {
                delivered.Add(item);
            }
        }

        return (back, delivered);
    }

    /// <summary>Puts <paramref name="items"/> at the front of <paramref name="waiting"/>, keeping their order.</summary>
    public static void PushFront(LinkedList<QueuedDatum> waiting, List<QueuedDatum> items)
    {
        for (var i = items.Count - 1; i >= 0; i--)
        {
            waiting.AddFirst(items[i]);
        }
    }
}
