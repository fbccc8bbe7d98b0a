using System.Diagnostics;
using System.Runtime.ExceptionServices;
using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>
/// Starts a thread that records into per-thread cells: one with a slot below <see cref="RecordingThread.MaxSlots"/>.
/// In a parallel test run, other tests' live threads (and the thread pool's) may hold every such slot; a new thread then
/// records through the series' stripes, never stalls a harvest, and a test of the hand-over would pass without testing
/// it, or fail for the wrong reason. Until a slot is freed, each thread given a higher one ends before it records and
/// another is started (<see cref="SlotWait"/> at most).
/// </summary>
internal static class ThreadWithCells
{
    /// <summary>How long <see cref="Start"/> waits for a slot below <see cref="RecordingThread.MaxSlots"/>.</summary>
    private static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Starts a background thread that runs <paramref name="body"/> with a slot below <see cref="RecordingThread.MaxSlots"/>
    /// (its <see cref="RecordingThread.Current"/> is set before <paramref name="body"/> runs). An exception from
    /// <paramref name="body"/> is rethrown by <see cref="Started.Join"/>.
    /// </summary>
    public static Started Start(Action body, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.GetTimestamp();
        while (true)
        {
            var started = new Started(body);
            started.Thread.Start();
            try
            {
                started.Registered.Wait(cancellationToken);
            }
            catch
            {
                started.Abandon();
                throw;
            }

            if (started.Slot < RecordingThread.MaxSlots)
            {
                started.Go();
                return started;
            }

            started.Abandon();
            if (Stopwatch.GetElapsedTime(waited) > SlotWait)
            {
                throw new InvalidOperationException(
                    $"No recording slot below MaxSlots ({RecordingThread.MaxSlots}) was freed within {SlotWait.TotalSeconds} s (last slot given: {started.Slot}): too many live recording threads in this test run.");
            }

            Thread.Sleep(20); // other tests' threads end meanwhile; the next registration takes the first ended slot
        }
    }

    /// <summary>A thread started by <see cref="Start"/>.</summary>
    internal sealed class Started
    {
        private readonly TaskCompletionSource<bool> _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ExceptionDispatchInfo? _failure;

        public Started(Action body)
        {
            Thread = new Thread(() =>
            {
                Slot = RecordingThread.Register().Slot;
                _registered.SetResult();
                if (!_decided.Task.GetAwaiter().GetResult())
                {
                    return;
                }

                try
                {
                    body();
                }
                catch (Exception e)
                {
                    _failure = ExceptionDispatchInfo.Capture(e); // not unhandled: that would end the test process
                }
            })
            {
                IsBackground = true, // a test that fails before releasing it does not keep the process alive
            };
        }

        /// <summary>The thread.</summary>
        public Thread Thread { get; }

        /// <summary>Completes once the thread has its slot.</summary>
        public Task Registered => _registered.Task;

        /// <summary>The thread's slot.</summary>
        public int Slot { get; private set; } = -1;

        /// <summary>Waits for the thread to end and rethrows what its body threw.</summary>
        public void Join()
        {
            Thread.Join();
            _failure?.Throw();
        }

        internal void Go()
        {
            _decided.SetResult(true);
        }

        internal void Abandon()
        {
            _decided.TrySetResult(false);
            Thread.Join();
        }
    }
}
