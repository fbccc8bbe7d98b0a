namespace NbaSim.Observability.Pipeline;

/// <summary>
/// The in-memory delivery queue: at most <c>capacity</c> datums (waiting plus in flight). Past it the oldest waiting
/// datum makes room for the new one (counted and logged by <c>onDropped</c>), so during an outage the newest periods
/// survive. Once closed (the sink stopped) it takes nothing back. What was in flight then is counted as dropped by the
/// sink at once (an export may never return); an export that does end later reports what it delivered after all to
/// <c>onDeliveredAfterClose</c>, so that count is corrected and each datum is counted once.
/// </summary>
internal sealed class MemoryDeliveryQueue(int capacity, Action<int> onDropped, Action<int>? onDeliveredAfterClose = null) : IDeliveryQueue
{
    private readonly object _gate = new();
    private readonly LinkedList<QueuedDatum> _waiting = new();
    private int _inFlight;
    private bool _closed;

    /// <summary>Closes the queue: returns the datums waiting (now gone) and those in flight (settled by <see cref="Complete"/>).</summary>
    public (int Waiting, int InFlight) Close()
    {
        lock (_gate)
        {
            _closed = true;
            var waiting = _waiting.Count;
            _waiting.Clear();
            return (waiting, _inFlight);
        }
    }

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
            _waiting.AddLast(new QueuedDatum(datum));
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
        var (back, delivered) = BatchBuilder.Partition(lease, undelivered);
        var late = 0;
        lock (_gate)
        {
            _inFlight -= lease.Items.Count;
            if (_closed)
            {
                late = delivered.Count;
            }
            else
            {
                BatchBuilder.PushFront(_waiting, back);
            }
        }

        if (late > 0)
        {
            onDeliveredAfterClose?.Invoke(late);
        }
    }

    public void Checkpoint()
    {
    }

    public void Dispose()
    {
    }
}
