using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>
/// A thread that records, then stays inside a recording until released: as a thread descheduled in the middle of one
/// (preempted on an oversubscribed machine, or a GC suspension that outlasts the harvest's stall timeout).
/// </summary>
internal sealed class StalledRecorder : IDisposable
{
    private readonly ManualResetEventSlim _inside = new();
    private readonly ManualResetEventSlim _leave = new();
    private readonly Thread _thread;

    private StalledRecorder(Action record)
    {
        _thread = new Thread(() =>
        {
            record();
            Slot = RecordingThread.Current!.Slot;
            var thread = RecordingThread.Current!;
            thread.Enter();
            _inside.Set();
            _leave.Wait();
            thread.Exit();
        });
    }

    /// <summary>The stalled thread's slot.</summary>
    public int Slot { get; private set; } = -1;

    /// <summary>Starts a thread that runs <paramref name="record"/> and returns once it is inside a recording.</summary>
    public static StalledRecorder Start(Action record, CancellationToken cancellationToken)
    {
        var recorder = new StalledRecorder(record);
        recorder._thread.Start();
        recorder._inside.Wait(cancellationToken);
        return recorder;
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
