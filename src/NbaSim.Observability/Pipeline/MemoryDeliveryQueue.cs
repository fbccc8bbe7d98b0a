namespace NbaSim.Observability.Pipeline;

/// <summary>
/// The in-memory delivery queue: at most <c>capacity</c> datums (waiting plus in flight). Past it the oldest waiting
/// datum makes room for the new one (counted and logged by <c>onDropped</c>), so during an outage the newest periods
/// survive.
/// </summary>
internal sealed class MemoryDeliveryQueue(int capacity, Action<int> onDropped) : IDeliveryQueue
{
    private readonly object _gate = new();
    private readonly LinkedList<QueuedDatum> _waiting = new();
    private int _inFlight;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count + _inFlight;
            }
        }
    }

    public void Add(MetricDatum datum)
    {
        var dropped = 0;
        lock (_gate)
        {
            _waiting.AddLast(new QueuedDatum(datum, null));
            while (_waiting.Count + _inFlight > capacity && _waiting.Count > 0)
            {
                _waiting.RemoveFirst();
                dropped++;
            }
        }

        if (dropped > 0)
        {
            onDropped(dropped);
        }
    }

    public void Persist()
    {
    }

    public DeliveryLease? Lease(BatchShape shape, bool newestFirst = false)
    {
        lock (_gate)
        {
            var lease = BatchBuilder.Take(_waiting, shape, newestFirst, []);
            _inFlight += lease?.Items.Count ?? 0;
            return lease;
        }
    }

    public void Complete(DeliveryLease lease, IReadOnlyList<MetricDatum> undelivered)
    {
        var (back, _) = BatchBuilder.Partition(lease, undelivered);
        lock (_gate)
        {
            _inFlight -= lease.Items.Count;
            BatchBuilder.PushFront(_waiting, back);
        }
    }

    public void Checkpoint()
    {
    }

    public void Dispose()
    {
    }
}
