using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NbaSim.Observability.Aggregation;

/// <summary>
/// A thread that records into per-thread cells (<see cref="ThreadCells{TCell}"/>): its slot, and a flag that is set
/// while it is inside a recording. The cells are written with plain stores, so a recording needs no atomic instruction;
/// the harvest takes a cell away from its thread and, before reading it, makes sure the thread is no longer writing it.
/// </summary>
/// <remarks>
/// The hand-over is the asymmetric Dekker pattern: the recording thread stores "inside" and then reads which cell is
/// active; the harvest swaps the active cell and then runs a process-wide memory barrier
/// (<see cref="Interlocked.MemoryBarrierProcessWide"/>), which makes every thread's "inside" store visible. After it, a
/// thread seen outside at any moment has finished the recording it was in at the barrier, and every later recording
/// reads the new cell. The cost sits on the harvest (one barrier per collection, microseconds), not on the recording:
/// entering and leaving are stores of constants, so back-to-back recordings form no chain through memory (a counter
/// incremented on each would cost a store-to-load round trip twice per sample).
/// <para>
/// The recording path reads the slot from a thread-static <see cref="int"/> and writes the flag into a static array
/// indexed by slot: a primitive thread-static is one load after the runtime's TLS lookup, where a thread-static object
/// reference costs three more dependent loads, and a static readonly array's address is a constant in optimized code.
/// </para>
/// </remarks>
internal sealed class RecordingThread
{
    /// <summary>How long a harvest waits for a thread still inside the recording it was in at the barrier.</summary>
    internal static readonly TimeSpan StallTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Slots that may have cells: eight per processor, at least 64, at most 1,024. A thread with a higher slot (a process
    /// with more live recording threads than that) records through the series' striped cells and costs no series any
    /// memory.
    /// </summary>
    public static readonly int MaxSlots = Math.Clamp(Environment.ProcessorCount * 8, 64, 1024);

    /// <summary>
    /// Ints from one slot's flag to the next: 128 bytes, so two threads' flags never share a cache line, nor the pair of
    /// lines the adjacent-line prefetcher fetches together.
    /// </summary>
    private const int FlagStride = 32;

    /// <summary>1 at [slot × <see cref="FlagStride"/>] while that slot's thread is inside a recording (below <see cref="MaxSlots"/>).</summary>
    private static readonly int[] InsideFlags = new int[MaxSlots * FlagStride];

    [ThreadStatic]
    private static RecordingThread? s_current;

    [ThreadStatic]
    private static SlotLease? s_lease;

    private static readonly object Gate = new();
    private static readonly object BarrierGate = new();
    private static readonly Stack<int> FreeSlots = new();
    private static RecordingThread?[] s_bySlot = new RecordingThread?[16];
    private static int s_slotsUsed;
    private static long s_barriersStarted;
    private static long s_barriersCompleted;
    private static long s_collections;

    /// <summary>The collection the calling (harvesting) thread runs (<see cref="BeginCollection"/>), or 0.</summary>
    [ThreadStatic]
    private static long s_collection;

    /// <summary>The collection (<see cref="BeginCollection"/>) that last gave up waiting for this thread, or 0.</summary>
    private long _stalledIn;

    /// <summary>The thread this is: a slot whose thread has ended goes to the next thread that registers.</summary>
    private readonly Thread _owner;

    private RecordingThread(int slot, Thread owner)
    {
        Slot = slot;
        _owner = owner;
    }

    /// <summary>This thread's slot: an index into every series' per-thread cells, reused after the thread ends.</summary>
    public int Slot { get; }

    /// <summary>The calling thread, or null before its first recording (then <see cref="Register"/>).</summary>
    public static RecordingThread? Current => s_current;

    /// <summary>The calling thread's slot, or -1 before its first recording (then <see cref="Register"/>).</summary>
    public static int CurrentSlot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => RecordingSlot.PlusOne - 1;
    }

    /// <summary>Barriers started so far; a series that swapped cells notes this and waits for a later one.</summary>
    public static long BarriersStarted => Volatile.Read(ref s_barriersStarted);

    /// <summary>Barriers completed so far.</summary>
    public static long BarriersCompleted => Volatile.Read(ref s_barriersCompleted);

    /// <summary>
    /// Enters a recording for the calling thread's <paramref name="slot"/> (below <see cref="MaxSlots"/>: not checked).
    /// Nothing between this and <see cref="Exit(int)"/> may throw.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Enter(int slot) => Volatile.Write(ref InsideFlag(slot), 1);

    /// <summary>Leaves a recording; a release store, so the cell's writes are visible before it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Exit(int slot) => Volatile.Write(ref InsideFlag(slot), 0);

    /// <summary>
    /// Enters a recording on this thread's slot (tests; the recording path uses <see cref="Enter(int)"/>). Nothing for
    /// a slot at or above <see cref="MaxSlots"/>: such a thread records through the stripes and never enters.
    /// </summary>
    internal void Enter()
    {
        if (Slot < MaxSlots)
        {
            Enter(Slot);
        }
    }

    /// <summary>Leaves a recording on this thread's slot.</summary>
    internal void Exit()
    {
        if (Slot < MaxSlots)
        {
            Exit(Slot);
        }
    }

    /// <summary>Gives the calling thread a slot (its first recording).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static RecordingThread Register()
    {
        if (s_current is { } existing)
        {
            return existing;
        }

        RecordingThread thread;
        lock (Gate)
        {
            // A slot freed by a lease's finalizer, else the slot of a thread that has ended (finalizers wait for a GC;
            // threads that come and go would otherwise take new slots, and every series' cells stay with the old
            // ones), else a new slot. An ended thread writes nothing more: its cells, and the samples in them, pass to
            // this thread.
            var slot = FreeSlots.Count > 0 ? FreeSlots.Pop() : EndedSlot();
            if (slot < 0)
            {
                slot = s_slotsUsed++;
                if (slot >= s_bySlot.Length)
                {
                    Array.Resize(ref s_bySlot, s_bySlot.Length * 2);
                }
            }

            Interlocked.MemoryBarrier();
            thread = new RecordingThread(slot, Thread.CurrentThread);
            Volatile.Write(ref s_bySlot[slot], thread);
        }

        // The lease is reachable from this thread only: once the thread ends, its finalizer frees the slot (if no new
        // thread has taken it already).
        s_lease = new SlotLease(thread);
        s_current = thread;
        RecordingSlot.PlusOne = thread.Slot + 1;
        return thread;
    }

    /// <summary>
    /// Starts a collection on the calling thread (a registry's harvest of all its series): a thread found stalled in it
    /// is waited for once, not once per series. Numbers are process-wide, so concurrent registries do not share one.
    /// </summary>
    public static void BeginCollection() => s_collection = Interlocked.Increment(ref s_collections);

    /// <summary>
    /// The process-wide barrier of the hand-over (see the remarks). One at a time, so "completed" counts barriers in the
    /// order they started.
    /// </summary>
    public static void Barrier()
    {
        lock (BarrierGate)
        {
            var number = s_barriersStarted + 1;
            Volatile.Write(ref s_barriersStarted, number);
            Interlocked.MemoryBarrierProcessWide();
            Volatile.Write(ref s_barriersCompleted, number);
        }
    }

    /// <summary>
    /// After a barrier that followed the swap: true once the thread of <paramref name="slot"/> is seen outside a
    /// recording (or has no thread); false when it is seen inside for <see cref="StallTimeout"/> (a suspended thread): its
    /// retired cell is then kept for a later harvest. Within the collection that gave up on it, a thread still inside
    /// is not waited for again by the other series: a stalled thread costs a collection one timeout at most, whatever
    /// the number of series. The next collection waits again, so a thread that has resumed (and is inside other
    /// recordings now and then) is seen outside, and its retired cells are folded, by the final collection of a stop too.
    /// </summary>
    public static bool WaitOutside(int slot)
    {
        if ((uint)slot >= (uint)MaxSlots)
        {
            return true; // never has cells
        }

        ref var inside = ref InsideFlag(slot);
        var thread = OccupantOf(slot);
        if (thread is null || Volatile.Read(ref inside) == 0)
        {
            return true;
        }

        // Given up on in this collection already (by another series): not waited for again.
        var collection = s_collection;
        if (collection != 0 && Volatile.Read(ref thread._stalledIn) == collection)
        {
            return false;
        }

        // A thread recording in a tight loop is outside between two samples: a short spin sees it.
        var deadline = Environment.TickCount64 + (long)StallTimeout.TotalMilliseconds;
        var spin = default(SpinWait);
        while (Volatile.Read(ref inside) != 0)
        {
            if (Environment.TickCount64 > deadline)
            {
                if (collection != 0)
                {
                    Volatile.Write(ref thread._stalledIn, collection);
                }

                return false;
            }

            spin.SpinOnce();
        }

        return true;
    }

    /// <summary>The thread that holds <paramref name="slot"/> now, or null when it is free.</summary>
    internal static RecordingThread? OccupantOf(int slot)
    {
        var slots = Volatile.Read(ref s_bySlot);
        return slot < slots.Length ? Volatile.Read(ref slots[slot]) : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref int InsideFlag(int slot)
        => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(InsideFlags), slot * FlagStride);

    /// <summary>The first slot whose thread has ended, or -1 (under <see cref="Gate"/>).</summary>
    private static int EndedSlot()
    {
        for (var slot = 0; slot < s_slotsUsed; slot++)
        {
            if (s_bySlot[slot] is { } occupant && !occupant._owner.IsAlive)
            {
                return slot;
            }
        }

        return -1;
    }

    private static void Release(RecordingThread thread)
    {
        lock (Gate)
        {
            // Only while the ended thread still holds it: a new thread may have taken the slot over already.
            if (s_bySlot[thread.Slot] == thread)
            {
                Volatile.Write(ref s_bySlot[thread.Slot], null);
                FreeSlots.Push(thread.Slot);
            }
        }
    }

    /// <summary>Frees a slot when the thread that held it has ended (its thread-static reference is gone).</summary>
    private sealed class SlotLease(RecordingThread thread)
    {
        ~SlotLease() => Release(thread);
    }
}
