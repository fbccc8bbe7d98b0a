using System.Runtime.CompilerServices;

namespace NbaSim.Observability.Aggregation;

/// <summary>
/// A series' per-thread cells: each recording thread (up to <see cref="MaxCells"/> per series) owns a cell it writes
/// with plain stores. A harvest retires every non-empty cell (the thread gets its spare), waits for the hand-over
/// (<see cref="RecordingThread"/>), folds the retired cells into the series' shared state, resets them and keeps them
/// as the next spares: after warm-up nothing is allocated, and the totals are exact.
/// </summary>
/// <remarks>
/// A struct held in a (non-readonly) field of its series, so the recording path reaches the active cells with one load
/// less; never copy it. Threads beyond <see cref="MaxCells"/> record through the series' striped atomic cells (<see cref="Stripes"/>), so
/// a process with many threads costs bounded memory per series. A slot freed by an ended thread goes to the next new
/// thread with its cells, which the ended thread can no longer write.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1815:Override equals and operator equals on value types", Justification = "Never compared: the state of one series.")]
internal struct ThreadCells<TCell>
    where TCell : ThreadCell, new()
{
    /// <summary>Threads with cells of their own per series: twice the processors, at least 4, at most 64.</summary>
    public static readonly int MaxCells = Math.Clamp(Environment.ProcessorCount * 2, 4, 64);

    /// <summary>Slots that may have cells (<see cref="RecordingThread.MaxSlots"/>).</summary>
    public static int MaxSlots => RecordingThread.MaxSlots;

    private readonly object _gate;

    /// <summary>The cell each slot writes; read on the recording path, replaced only under <see cref="_gate"/>.</summary>
    private TCell?[] _active;
    private TCell?[] _retired;
    private TCell?[] _spare;
    private int _cells;

    /// <summary>True between a retirement and the fold that empties it (harvest thread).</summary>
    private bool _pending;

    /// <summary>A retirement passed over a slot with samples because its previous cell was still waiting (harvest thread).</summary>
    private bool _passedOver;

    /// <summary><see cref="RecordingThread.BarriersStarted"/> when the cells were retired: a later barrier must complete.</summary>
    private long _retiredAt;

    /// <summary>No cells yet.</summary>
    public ThreadCells()
    {
        _gate = new object();
        _active = [];
        _retired = [];
        _spare = [];
    }

    /// <summary>The cell of <paramref name="slot"/>, or null (none yet, or over the cap). Call inside the recording.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TCell? Active(int slot)
    {
        var active = Volatile.Read(in _active);
        return (uint)slot < (uint)active.Length ? active[slot] : null;
    }

    /// <summary>Gives <paramref name="slot"/> a cell, or null when the series has <see cref="MaxCells"/> already (slow path).</summary>
    public TCell? Claim(int slot)
    {
        // A thread over the cap comes here on every recording: it must not take the lock each time.
        var active = Volatile.Read(ref _active);
        if ((uint)slot < (uint)active.Length && active[slot] is { } mine)
        {
            return mine;
        }

        if (slot >= MaxSlots || Volatile.Read(ref _cells) >= MaxCells)
        {
            return null;
        }

        lock (_gate)
        {
            if (slot < _active.Length && _active[slot] is { } existing)
            {
                return existing;
            }

            if (_cells >= MaxCells)
            {
                return null;
            }

            if (slot >= _active.Length)
            {
                var length = Math.Max(slot + 1, Math.Max(4, _active.Length * 2));
                Array.Resize(ref _retired, length);
                Array.Resize(ref _spare, length);
                var grown = new TCell?[length];
                _active.CopyTo(grown, 0);
                Volatile.Write(ref _active, grown);
            }

            var cell = new TCell();
            Volatile.Write(ref _active[slot], cell);
            _cells++;
            return cell;
        }
    }

    /// <summary>
    /// Swaps every non-empty cell for its spare (harvest thread). Returns true while any retired cell waits to be folded
    /// (retired now, or earlier and still held by a stalled thread): the caller then runs
    /// <see cref="RecordingThread.Barrier"/> once for all series, before <see cref="Fold"/>. A slot whose retired
    /// cell is still waiting on its stalled thread keeps that one (the thread writes its active cell when it resumes, and
    /// a later harvest retires it); every other slot is retired as usual.
    /// </summary>
    public bool Retire()
    {
        lock (_gate)
        {
            var any = false;
            for (var slot = 0; slot < _active.Length; slot++)
            {
                var cell = _active[slot];
                if (cell is null || cell.IsEmpty)
                {
                    continue;
                }

                if (_retired[slot] is not null)
                {
                    _passedOver = true;
                    continue;
                }

                var spare = _spare[slot] ?? new TCell();
                _spare[slot] = null;
                cell.OwnerLeft = false;
                _retired[slot] = cell;
                Volatile.Write(ref _active[slot], spare);
                any = true;
            }

            if (any)
            {
                // A later barrier than any earlier retirement needed: the stamp only moves forward.
                _pending = true;
                _retiredAt = RecordingThread.BarriersStarted;
            }

            return _pending;
        }
    }

    /// <summary>
    /// Retires and folds (harvest thread): <see cref="Retire"/>, then <see cref="Fold"/>, and once more when the
    /// retirement passed over a slot whose previous cell was waiting on a stalled thread that has left it since (or
    /// ended, its slot now another thread's): that slot's active cell is then taken too, so a harvest leaves nothing
    /// behind that was recorded before it by a thread outside a recording.
    /// </summary>
    public void Harvest<TSink>(TSink sink)
        where TSink : IThreadCellSink<TCell>
    {
        Retire();
        Fold(sink);
        if (_passedOver)
        {
            _passedOver = false;
            Retire();
            Fold(sink);
            _passedOver = false;
        }
    }

    /// <summary>
    /// Detaches the cells a harvest had to leave behind (harvest thread, the stop's final collection, after
    /// <see cref="Harvest"/>): each retired cell still held by a thread stalled inside a recording, and the active cell of
    /// its slot, which a retirement passes over while the retired one waits. The slot gets a fresh cell; the detached ones
    /// go to <paramref name="detached"/> to be counted as not sent, and no later harvest can send them (so a sample is
    /// either delivered or counted, never both).
    /// </summary>
    /// <param name="detached">Receives the detached cells.</param>
    public void DetachLeftBehind(List<ThreadCell> detached)
    {
        lock (_gate)
        {
            for (var slot = 0; slot < _retired.Length; slot++)
            {
                if (_retired[slot] is not { } waiting)
                {
                    continue;
                }

                detached.Add(waiting);
                _retired[slot] = null;
                if (_active[slot] is { IsEmpty: false } active)
                {
                    detached.Add(active);
                    Volatile.Write(ref _active[slot], new TCell());
                }
            }

            _pending = false;
            _passedOver = false;
        }
    }

    /// <summary>
    /// Folds every retired cell whose thread has left it into <paramref name="sink"/> and keeps it, reset, as its slot's
    /// spare (harvest thread). Runs the barrier itself when none completed since the retirement.
    /// </summary>
    public void Fold<TSink>(TSink sink)
        where TSink : IThreadCellSink<TCell>
    {
        // Harvest thread only (the registry's collection lock): _pending, _retiredAt and the entries of _retired change
        // only here and in Retire; Claim, on recording threads, only copies _retired when it grows it.
        if (!_pending)
        {
            return;
        }

        if (RecordingThread.BarriersCompleted <= _retiredAt)
        {
            RecordingThread.Barrier();
        }

        // The owners are waited for outside the lock: a thread's first sample into this series takes it (Claim) and
        // must not wait behind a stalled thread (up to StallTimeout). An array Claim has replaced holds the same cells.
        var retired = Volatile.Read(ref _retired);
        for (var slot = 0; slot < retired.Length; slot++)
        {
            if (retired[slot] is { } cell)
            {
                cell.OwnerLeft = RecordingThread.WaitOutside(slot);
            }
        }

        lock (_gate)
        {
            var left = false;
            for (var slot = 0; slot < _retired.Length; slot++)
            {
                var cell = _retired[slot];
                if (cell is null)
                {
                    continue;
                }

                if (!cell.OwnerLeft)
                {
                    left = true;
                    continue;
                }

                sink.Fold(cell);
                cell.Reset();
                _retired[slot] = null;
                _spare[slot] = cell;
            }

            _pending = left;
        }
    }
}

/// <summary>What a series does with a retired cell: adds it into its shared state.</summary>
internal interface IThreadCellSink<in TCell>
{
    /// <summary>Adds <paramref name="cell"/>'s samples to the series (harvest thread; the cell is quiescent).</summary>
    void Fold(TCell cell);
}

/// <summary>One thread's cell of one series: written by that thread only, with plain stores.</summary>
internal abstract class ThreadCell
{
    /// <summary>
    /// Samples since the last fold, for counters (a distribution's are its bucket counts). Here rather than in the
    /// counter's cell so that it sits before the padding, not after it beside the next object's fields.
    /// </summary>
    public long Count;

    /// <summary>Sum of the samples.</summary>
    public double Sum;

    /// <summary>Smallest sample, +∞ when none.</summary>
    public double Min = double.PositiveInfinity;

    /// <summary>Largest sample, −∞ when none.</summary>
    public double Max = double.NegativeInfinity;

    /// <summary>Retired, and its thread seen outside a recording since: safe to fold (harvest thread only).</summary>
    public bool OwnerLeft;

#pragma warning disable CS0169, IDE0051 // never read: it only keeps neighbouring cells off this cell's cache lines
    private CacheLinePadding _padding;
#pragma warning restore CS0169, IDE0051

    /// <summary>
    /// No sample since the last fold (harvest thread, racing the owner: a sample being written may be seen as absent,
    /// and is then taken by the next harvest).
    /// </summary>
    public bool IsEmpty => Volatile.Read(ref Min) > Volatile.Read(ref Max);

    /// <summary>
    /// The samples in the cell, read while its owner may be inside a recording (the stop's count of a detached cell): off
    /// by the sample being written at most.
    /// </summary>
    public abstract long SamplesHeld();

    /// <summary>Empties the cell for reuse (harvest thread; the cell is quiescent).</summary>
    public virtual void Reset()
    {
        OwnerLeft = false;
        Count = 0;
        Sum = 0;
        Min = double.PositiveInfinity;
        Max = double.NegativeInfinity;
    }

    /// <summary>Adds <paramref name="value"/> to the sum and the extremes (the owning thread, inside its recording).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected void AddStatistics(double value)
    {
        Sum += value;
        if (value < Min)
        {
            Min = value;
        }

        if (value > Max)
        {
            Max = value;
        }
    }
}
