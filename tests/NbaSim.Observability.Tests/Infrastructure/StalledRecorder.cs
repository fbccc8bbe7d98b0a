using System.Diagnostics;
using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>
/// A thread that records, then stays inside a recording until released: as a thread descheduled in the middle of one
/// (preempted on an oversubscribed machine, or a GC suspension that outlasts the harvest's stall timeout).
/// </summary>
/// <remarks>
/// Only a thread with a slot below <see cref="RecordingThread.MaxSlots"/> has cells and can stall a harvest; in a
/// parallel test run, other tests' live threads may hold every such slot. The recorder then lets its thread end before
/// it records and starts another, until one is given a freed slot (<see cref="SlotWait"/> at most).
/// </remarks>
internal sealed class StalledRecorder : IDisposable
{
    /// <summary>How long <see cref="Start"/> waits for a slot below <see cref="RecordingThread.MaxSlots"/>.</summary>
    private static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(60);

    private readonly ManualResetEventSlim _inside = new();
    private readonly ManualResetEventSlim _leave = new();
    private readonly Thread _thread;

    private StalledRecorder(Action record)
    {
        _thread = new Thread(() =>
        {
            var thread = RecordingThread.Register();
            Slot = thread.Slot;
            if (Slot >= RecordingThread.MaxSlots)
            {
                _inside.Set(); // no cells: Start tries another thread
                return;
            }

            record();
            thread.Enter();
            _inside.Set();
            _leave.Wait();
            thread.Exit();
        });
    }

    /// <summary>The stalled thread's slot (below <see cref="RecordingThread.MaxSlots"/>).</summary>
    public int Slot { get; private set; } = -1;

    /// <summary>Starts a thread that runs <paramref name="record"/> and returns once it is inside a recording.</summary>
    public static StalledRecorder Start(Action record, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var recorder = new StalledRecorder(record);
            recorder._thread.Start();
            recorder._inside.Wait(cancellationToken);
            if (recorder.Slot < RecordingThread.MaxSlots)
            {
                return recorder;
            }

            var slot = recorder.Slot;
            recorder.Dispose();
            if (Stopwatch.GetElapsedTime(started) > SlotWait)
            {
                throw new InvalidOperationException(
                    $"No recording slot below MaxSlots ({RecordingThread.MaxSlots}) was freed within {SlotWait.TotalSeconds} s (last slot given: {slot}): too many live recording threads in this test run.");
            }

            Thread.Sleep(20); // other tests' threads end meanwhile; the next registration takes the first ended slot
        }
    }

    /// <summary>Lets the thread leave its recording and waits for it to end.</summary>
    public void Release()
    {
        _leave.Set();
        _thread.Join();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Release();
        _inside.Dispose();
        _leave.Dispose();
    }
}
