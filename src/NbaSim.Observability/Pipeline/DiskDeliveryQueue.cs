using Microsoft.Extensions.Logging;
using NbaSim.Observability.Diagnostics;

namespace NbaSim.Observability.Pipeline;

/// <summary>
/// The on-disk delivery queue (write-ahead spool). What is added waits in memory until <see cref="Persist"/> writes it
/// (on the publisher's thread, never the collector's); batches are built across files, oldest first, so a backlog leaves
/// in full batches; a file is deleted once every datum in it is acknowledged. Files a previous process left (a crash, an
/// outage) are a backlog sent alongside this process' own periods, batch for batch: a slow endpoint slows both, and
/// starves neither.
/// </summary>
/// <remarks>
/// Disk faults: a write the disk refuses keeps its datums in memory (bounded by <c>memoryCapacity</c>; past it the oldest
/// are dropped, counted and logged) and exporting what is already on disk carries on; the write is tried again at the
/// next persist. Past <c>maxBytes</c> the oldest file that is not in flight is dropped (counted and logged). Everything
/// here runs on the publisher's thread, so size eviction cannot race an export.
/// </remarks>
internal sealed partial class DiskDeliveryQueue : IDeliveryQueue
{
    private const int DatumsPerFile = MetricLimits.MaxDatumsPerRequest;
    private readonly SpoolStore _store;
    private readonly long _maxBytes;
    private readonly int _memoryCapacity;
    private readonly ILogger _logger;
    private readonly PipelineStatistics _statistics;
    private readonly Action<int> _onMemoryDropped;
    private readonly object _stagedGate = new();
    private readonly object _asideGate = new();
    private long _asideDatums;
    private int _asideFiles;
    private List<MetricDatum> _staged = [];

    // Drain-side state (the queue drainer's thread).
    private readonly SpoolLane _backlog = new();
    private readonly SpoolLane _current = new();
    private bool _backlogTurn;
    private readonly LinkedList<QueuedDatum> _inMemory = new(); // writes the disk refused
    private readonly List<SpoolFile> _files = [];
    private long _bytes;
    private int _unloadedDatums;
    private int _inFlight;
    private int _memoryLeased; // in flight and only in memory (the disk refused them)
    private int _drainSideCount;
    private int _inMemoryCount;
    private bool _writeFailing;
    private bool _closed;

    public DiskDeliveryQueue(SpoolStore store, long maxBytes, int memoryCapacity, ILogger logger, PipelineStatistics statistics, Action<int> onMemoryDropped)
    {
        _store = store;
        _maxBytes = maxBytes;
        _memoryCapacity = memoryCapacity;
        _logger = logger;
        _statistics = statistics;
        _onMemoryDropped = onMemoryDropped;
        foreach (var info in store.List())
        {
            var file = new SpoolFile(info, _backlog);
            _files.Add(file);
            _backlog.Unloaded.Enqueue(file);
            _bytes += info.Bytes;
            _unloadedDatums += Math.Max(0, info.Datums);
        }

        RefreshCounts();
    }

    /// <summary>Datums that are only in memory: lost if the process dies now.</summary>
    public int InMemoryCount
    {
        get
        {
            lock (_stagedGate)
            {
                return _staged.Count + Volatile.Read(ref _inMemoryCount);
            }
        }
    }

    /// <summary>Spool files on disk.</summary>
    public int FileCount => _files.Count + Volatile.Read(ref _asideFiles);

    /// <summary>The spool directory.</summary>
    public string DirectoryPath => _store.DirectoryPath;

    /// <summary>Spool files quarantined by this process.</summary>
    public long FilesQuarantined => _store.FilesQuarantined;

    public int Count
    {
        get
        {
            lock (_stagedGate)
            {
                return _staged.Count + Volatile.Read(ref _drainSideCount) + (int)Interlocked.Read(ref _asideDatums);
            }
        }
    }

    public void Add(MetricDatum datum)
    {
        var dropped = 0;
        lock (_stagedGate)
        {
            _staged.Add(datum);
            var over = _staged.Count + Volatile.Read(ref _inMemoryCount) - _memoryCapacity;
            if (over > 0 && _staged.Count > 1)
            {
                // Memory is full only when the disk has been refusing writes: the oldest staged datums go first.
                dropped = Math.Min(over, _staged.Count - 1);
                _staged.RemoveRange(0, dropped);
            }
        }

        if (dropped > 0)
        {
            _onMemoryDropped(dropped);
        }
    }

    public void Persist()
    {
        if (_closed)
        {
            return;
        }

        List<MetricDatum> staged;
        lock (_stagedGate)
        {
            staged = _staged;
            _staged = [];
        }

        // Writes the disk refused earlier go first (they are older), then what was staged since.
        var pending = new List<MetricDatum>(_inMemory.Count + staged.Count);
        pending.AddRange(_inMemory.Select(i => i.Datum));
        pending.AddRange(staged);
        _inMemory.Clear();
        for (var offset = 0; offset < pending.Count; offset += DatumsPerFile)
        {
            var chunk = pending.GetRange(offset, Math.Min(DatumsPerFile, pending.Count - offset));
            try
            {
                MakeRoom();
                var info = _store.Write(chunk);
                var file = new SpoolFile(info, _current);
                _files.Add(file);
                _bytes += info.Bytes;
                if (_current.Unloaded.Count == 0 && _current.Loaded.Count < 2 * DatumsPerFile)
                {
                    // Next in line anyway: keep the datums we hold rather than read them back (the file is the durable copy).
                    file.Loaded = true;
                    foreach (var datum in chunk)
                    {
                        var item = new SpooledDatum(datum, file);
                        file.Outstanding.Add(item);
                        _current.Loaded.AddLast(item);
                    }
                }
                else
                {
                    _current.Unloaded.Enqueue(file);
                    _unloadedDatums += chunk.Count;
                }
                if (_writeFailing)
                {
                    _writeFailing = false;
                    Internal.Log.SpoolProblem(_logger, _store.DirectoryPath, "writes succeed again; datums kept in memory are on disk now");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The disk refused (full, read-only): keep the rest in memory and try again at the next persist.
                var rest = pending.Count - offset;
                foreach (var datum in pending.Skip(offset))
                {
                    _inMemory.AddLast(new QueuedDatum(datum));
                }

                if (!_writeFailing)
                {
                    _writeFailing = true;
                    Internal.Log.SpoolProblem(_logger, _store.DirectoryPath, $"write failed ({ex.Message}); {rest} datum(s) are kept in memory and exported from there; spooled files keep being exported");
                }

                break;
            }
        }

        TrimMemory();
        RefreshCounts();
    }

    /// <summary>
    /// Writes <paramref name="datums"/> to new spool files without touching the publisher's state (which a drain may
    /// still hold): for adds after the sink stopped. The next start sends them. False when the disk refused.
    /// </summary>
    public bool WriteAside(IReadOnlyList<MetricDatum> datums)
    {
        lock (_asideGate)
        {
            if (_closed)
            {
                return false; // disposed: the spool's lock is released, another process may own it now
            }

            try
            {
                for (var offset = 0; offset < datums.Count; offset += DatumsPerFile)
                {
                    var chunk = datums.Skip(offset).Take(DatumsPerFile).ToList();
                    _store.Write(chunk);
                    Interlocked.Add(ref _asideDatums, chunk.Count);
                    Interlocked.Increment(ref _asideFiles);
                }

                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Internal.Log.SpoolProblem(_logger, _store.DirectoryPath, $"write failed ({ex.Message}); {datums.Count} datum(s) that arrived after the stop are dropped");
                return false;
            }
        }
    }

    /// <summary>What waits in memory (staged by adds) goes to new spool files, beside a drain that still holds the queue.</summary>
    public void PersistStagedAside()
    {
        List<MetricDatum> staged;
        lock (_stagedGate)
        {
            staged = _staged;
            _staged = [];
        }

        if (staged.Count > 0 && !WriteAside(staged))
        {
            lock (_stagedGate)
            {
                _staged.InsertRange(0, staged); // still in memory: counted as lost by the caller
            }
        }
    }

    public DeliveryLease? Lease(BatchShape shape, bool newestFirst = false)
    {
        if (_closed)
        {
            return null;
        }

        // The backlog and this process' files take turns, batch for batch, when both wait.
        var first = _backlog.IsEmpty ? _current : _current.IsEmpty ? _backlog : (_backlogTurn = !_backlogTurn) ? _backlog : _current;
        var expired = new List<QueuedDatum>();
        var lease = TakeFrom(first, shape, expired);
        if (lease is null || lease.Items.Count == 0)
        {
            var other = TakeFrom(first == _backlog ? _current : _backlog, shape, expired);
            lease = other ?? lease;
        }

        if (lease is null || lease.Items.Count == 0)
        {
            var memory = BatchBuilder.Take(_inMemory, shape, newestFirst, expired);
            if (memory is not null)
            {
                lease = new DeliveryLease(memory.Items, expired.Count, lease is null ? memory.OldestExpired : Min(lease.OldestExpired, memory.OldestExpired));
            }
        }

        foreach (var item in expired)
        {
            Acknowledge(item);
        }

        if (expired.Count > 0 && (lease is null || lease.Expired != expired.Count))
        {
            // Expired datums from every place looked at are counted, whichever batch is handed out.
            var oldest = expired.Min(i => i.Datum.Timestamp);
            lease = new DeliveryLease(lease?.Items ?? [], expired.Count, oldest);
        }

        if (lease is not null)
        {
            foreach (var item in lease.Items)
            {
                if (FileOf(item) is { } file)
                {
                    file.Leased++;
                }
                else
                {
                    _memoryLeased++;
                }
            }

            _inFlight += lease.Items.Count;
        }

        RefreshCounts();
        return lease;
    }

    /// <summary>A batch from <paramref name="lane"/>, after loading enough files to fill it (across files and namespaces).</summary>
    private DeliveryLease? TakeFrom(SpoolLane lane, BatchShape shape, List<QueuedDatum> expired)
    {
        while (lane.Loaded.Count < 2 * shape.MaxDatums && lane.Unloaded.Count > 0)
        {
            Load(lane.Unloaded.Dequeue());
        }

        return BatchBuilder.Take(lane.Loaded, shape, newestFirst: false, expired);
    }

    /// <summary>Set by the sink once it counted what is only in memory as dropped: a late delivery of those is reported here.</summary>
    public Action<int>? DeliveredAfterStop { get; set; }

    private readonly object _stopGate = new();
    private bool _stopped;

    /// <summary>The sink stops: returns the datums only in memory, which it counts as dropped (one step with <see cref="Complete"/>, so none is counted twice or not at all).</summary>
    public int StopAndCountInMemory()
    {
        lock (_stopGate)
        {
            _stopped = true;
            return InMemoryCount;
        }
    }

    public void Complete(DeliveryLease lease, IReadOnlyList<MetricDatum> undelivered)
    {
        lock (_stopGate)
        {
            CompleteLocked(lease, undelivered);
        }
    }

    private void CompleteLocked(DeliveryLease lease, IReadOnlyList<MetricDatum> undelivered)
    {
        // Also after the stop and the dispose: an export that outlived them is acknowledged (its files deleted), so the
        // next start never sends again what was delivered.
        var (back, delivered) = BatchBuilder.Partition(lease, undelivered);
        if (_stopped && delivered.Count(i => FileOf(i) is null) is > 0 and var late)
        {
            DeliveredAfterStop?.Invoke(late);
        }

        _inFlight -= lease.Items.Count;
        foreach (var item in lease.Items)
        {
            if (FileOf(item) is { } file)
            {
                file.Leased--;
            }
            else
            {
                _memoryLeased--;
            }
        }

        foreach (var item in delivered)
        {
            Acknowledge(item);
        }

        BatchBuilder.PushFront(_backlog.Loaded, back.Where(i => FileOf(i)?.Lane == _backlog).ToList());
        BatchBuilder.PushFront(_current.Loaded, back.Where(i => FileOf(i)?.Lane == _current).ToList());
        BatchBuilder.PushFront(_inMemory, back.Where(i => FileOf(i) is null).ToList());
        RefreshCounts();
    }

    public void Checkpoint()
    {

        // A file part of which was delivered now holds only the rest, so a crash cannot send the delivered part again.
        foreach (var file in _files.Where(f => f.PartlyAcknowledged && f.Leased == 0 && f.Outstanding.Count > 0).ToList())
        {
            try
            {
                var before = file.Info.Bytes;
                file.Info = _store.Replace(file.Info, file.Outstanding.Select(i => i.Datum).ToList());
                _bytes += file.Info.Bytes - before;
                file.PartlyAcknowledged = false;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Internal.Log.SpoolProblem(_logger, file.Info.Path, $"could not drop its delivered datums ({ex.Message}); a crash now would send them again");
            }
        }
    }

    public void Dispose()
    {
        _closed = true;
        _store.Dispose();
    }

    /// <summary>Refreshes the counts other threads read (Count, InMemoryCount) from the drain side's state.</summary>
    private void RefreshCounts()
    {
        Volatile.Write(ref _inMemoryCount, _inMemory.Count + _memoryLeased);
        Volatile.Write(ref _drainSideCount, _backlog.Loaded.Count + _current.Loaded.Count + _inMemory.Count + _inFlight + _unloadedDatums);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>The spool file an item was read from or written to; null for one only in memory (the disk refused it).</summary>
    private static SpoolFile? FileOf(QueuedDatum item) => (item as SpooledDatum)?.File;

    /// <summary>A datum of this queue that lives in a spool file.</summary>
    private sealed class SpooledDatum(MetricDatum datum, SpoolFile file) : QueuedDatum(datum)
    {
        public SpoolFile File { get; } = file;
    }
}
