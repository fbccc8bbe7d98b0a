using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>
/// A thread that records, then stays inside a recording until released: as a thread descheduled in the middle of one
/// (preempted on an oversubscribed machine, or a GC suspension that outlasts the harvest's stall timeout). The thread has
/// per-thread cells (<see cref="ThreadWithCells"/>), so it does stall a harvest.
/// </summary>
internal sealed class StalledRecorder : IDisposable
{
    private readonly ManualResetEventSlim _inside = new();
    private readonly ManualResetEventSlim _leave = new();
    private ThreadWithCells.Started? _thread;
    private volatile bool _entered;

    private StalledRecorder()
    {
    }

    /// <summary>The stalled thread's slot (below <see cref="RecordingThread.MaxSlots"/>).</summary>
    public int Slot => _thread!.Slot;

    /// <summary>Starts a thread that runs <paramref name="record"/> and returns once it is inside a recording.</summary>
    public static StalledRecorder Start(Action record, CancellationToken cancellationToken)
    {
        var recorder = new StalledRecorder();
        recorder._thread = ThreadWithCells.Start(
            () =>
            {
                try
                {
                    record();
                    RecordingThread.Current!.Enter();
                    recorder._entered = true;
                }
                finally
                {
                    recorder._inside.Set(); // also when record threw: Start then reports it
                }

                recorder._leave.Wait();
                RecordingThread.Current!.Exit();
            },
            cancellationToken);
        try
        {
            recorder._inside.Wait(cancellationToken);
            if (!recorder._entered)
            {
                recorder._thread.Join(); // rethrows what record threw
            }
        }
        catch
        {
            recorder.Dispose();
            throw;
        }

        return recorder;
    }

    /// <summary>Lets the thread leave its recording and waits for it to end.</summary>
    public void Release()
    {
        _leave.Set();
        _thread?.Thread.Join(); // what record threw, Start has thrown already
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Release();
        _inside.Dispose();
        _leave.Dispose();
    }
}
