using System.Diagnostics;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// The cost of [ProfilePerformance]: a plain method, the same method timed by hand (two timestamps, try/finally, one
/// record into a held series), and the same method woven. Results: docs/performance.md.
/// </summary>
[MemoryDiagnoser]
public class WeavingBenchmarks
{
    private DistributionSeries _success = null!;
    private DistributionSeries _failure = null!;
    private int _x;

    [GlobalSetup]
    public void Setup()
    {
        var registry = new MetricRegistry();
        ProfilingHost.Attach(registry);
        _success = registry.Distribution("NBA-Simulator/Performance", "HandDuration", MetricUnit.Seconds, default, new MetricDimension("Status", "success"));
        _failure = registry.Distribution("NBA-Simulator/Performance", "HandDuration", MetricUnit.Seconds, default, new MetricDimension("Status", "failure"));
        for (var v = 1e-9; v < 10; v *= 1.3)
        {
            // Warm every histogram block a call could touch, as a running process has.
            _success.Record(v);
            registry.Distribution("NBA-Simulator/Performance", "WovenSyncDuration", MetricUnit.Seconds, default, new MetricDimension("Status", "success")).Record(v);
            registry.Distribution("NBA-Simulator/Performance", "WovenTaskDuration", MetricUnit.Seconds, default, new MetricDimension("Status", "success")).Record(v);
            registry.Distribution("NBA-Simulator/Performance", "WovenValueTaskDuration", MetricUnit.Seconds, default, new MetricDimension("Status", "success")).Record(v);
            registry.Distribution("NBA-Simulator/Performance", "WovenPendingDuration", MetricUnit.Seconds, default, new MetricDimension("Status", "success")).Record(v);
        }
    }

    // ---- sync ----

    [Benchmark(Baseline = true, Description = "sync: plain")]
    [BenchmarkCategory("sync")]
    public int SyncPlain() => Work(_x++);

    [Benchmark(Description = "sync: hand-written timing")]
    public int SyncHand()
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            var result = Work(_x++);
            ok = true;
            return result;
        }
        finally
        {
            (ok ? _success : _failure).Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    [Benchmark(Description = "sync: woven")]
    [ProfilePerformance("WovenSync")]
    public int SyncWoven() => Work(_x++);

    // ---- Task<T>, completed synchronously ----

    [Benchmark(Description = "Task<T> sync-completed: plain")]
    public Task<int> TaskPlain() => Task.FromResult(Work(_x++));

    [Benchmark(Description = "Task<T> sync-completed: hand-written")]
    public async Task<int> TaskHand()
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            var result = await Task.FromResult(Work(_x++));
            ok = true;
            return result;
        }
        finally
        {
            (ok ? _success : _failure).Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    [Benchmark(Description = "Task<T> sync-completed: woven")]
    [ProfilePerformance("WovenTask")]
    public Task<int> TaskWoven() => Task.FromResult(Work(_x++));

    // ---- ValueTask<T>, completed synchronously ----

    [Benchmark(Description = "ValueTask<T> sync-completed: plain")]
    public ValueTask<int> ValueTaskPlain() => new(Work(_x++));

    [Benchmark(Description = "ValueTask<T> sync-completed: hand-written")]
    public async ValueTask<int> ValueTaskHand()
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            var result = await new ValueTask<int>(Work(_x++));
            ok = true;
            return result;
        }
        finally
        {
            (ok ? _success : _failure).Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    [Benchmark(Description = "ValueTask<T> sync-completed: woven")]
    [ProfilePerformance("WovenValueTask")]
    public ValueTask<int> ValueTaskWoven() => new(Work(_x++));

    // ---- completed asynchronously (a real await) ----
    // The Task and ValueTask rows repeat each other on purpose: each hand-written row is the code a user would write for
    // that return type, so folding them into a shared helper would add a state machine and measure something else.

    [Benchmark(Description = "Task<T> async: plain")]
    public async Task<int> TaskAsyncPlain()
    {
        await Task.Yield();
        return Work(_x++);
    }

    [Benchmark(Description = "Task<T> async: hand-written")]
    public async Task<int> TaskAsyncHand()
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            await Task.Yield();
            var result = Work(_x++);
            ok = true;
            return result;
        }
        finally
        {
            (ok ? _success : _failure).Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    [Benchmark(Description = "Task<T> async: woven")]
    [ProfilePerformance("WovenTask")]
    public async Task<int> TaskAsyncWoven()
    {
        await Task.Yield();
        return Work(_x++);
    }

    [Benchmark(Description = "ValueTask<T> async: plain")]
    public async ValueTask<int> ValueTaskAsyncPlain()
    {
        await Task.Yield();
        return Work(_x++);
    }

    [Benchmark(Description = "ValueTask<T> async: hand-written")]
    public async ValueTask<int> ValueTaskAsyncHand()
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            await Task.Yield();
            var result = Work(_x++);
            ok = true;
            return result;
        }
        finally
        {
            (ok ? _success : _failure).Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    [Benchmark(Description = "ValueTask<T> async: woven")]
    [ProfilePerformance("WovenValueTask")]
    public async ValueTask<int> ValueTaskAsyncWoven()
    {
        await Task.Yield();
        return Work(_x++);
    }

    // ---- suspended and resumed inline (no thread pool) ----
    // The rows above hop through the thread pool, whose jitter (StdDev 0.15–0.45 µs) is larger than the differences
    // between them. These await an awaiter that is never complete and runs the continuation at once: the method
    // suspends (its state machine is boxed, as with any real await) and resumes on the same thread, so what differs
    // between plain, hand-written and woven is only the timing code (issue 25, item 3).

    [Benchmark(Description = "Task<T> suspended, inline resume: plain")]
    public async Task<int> TaskInlinePlain()
    {
        await default(InlineResume);
        return Work(_x++);
    }

    [Benchmark(Description = "Task<T> suspended, inline resume: hand-written")]
    public async Task<int> TaskInlineHand()
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            await default(InlineResume);
            var result = Work(_x++);
            ok = true;
            return result;
        }
        finally
        {
            (ok ? _success : _failure).Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    [Benchmark(Description = "Task<T> suspended, inline resume: woven")]
    [ProfilePerformance("WovenTask")]
    public async Task<int> TaskInlineWoven()
    {
        await default(InlineResume);
        return Work(_x++);
    }

    [Benchmark(Description = "ValueTask<T> suspended, inline resume: plain")]
    public async ValueTask<int> ValueTaskInlinePlain()
    {
        await default(InlineResume);
        return Work(_x++);
    }

    [Benchmark(Description = "ValueTask<T> suspended, inline resume: hand-written")]
    public async ValueTask<int> ValueTaskInlineHand()
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            await default(InlineResume);
            var result = Work(_x++);
            ok = true;
            return result;
        }
        finally
        {
            (ok ? _success : _failure).Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    [Benchmark(Description = "ValueTask<T> suspended, inline resume: woven")]
    [ProfilePerformance("WovenValueTask")]
    public async ValueTask<int> ValueTaskInlineWoven()
    {
        await default(InlineResume);
        return Work(_x++);
    }

    // ---- a non-async method returning a task still pending (=> _ready.Task) ----
    // Each operation: a fresh pending task, the call, the caller's await continuation, completion. The task and its
    // completion cost the same in every row; the difference is what timing the call adds.

    [Benchmark(Description = "pending Task, non-async: plain")]
    public void PendingPlain()
    {
        var ready = new TaskCompletionSource();
        Await(PassThrough(ready.Task));
        ready.SetResult();
    }

    [Benchmark(Description = "pending Task, non-async: hand-written")]
    public void PendingHand()
    {
        var ready = new TaskCompletionSource();
        Await(HandTimed(ready.Task));
        ready.SetResult();
    }

    [Benchmark(Description = "pending Task, non-async: woven")]
    public void PendingWoven()
    {
        var ready = new TaskCompletionSource();
        Await(WovenPassThrough(ready.Task));
        ready.SetResult();
    }

    [Benchmark(Description = "pending ValueTask, non-async: plain")]
    public void PendingValueTaskPlain()
    {
        var ready = new TaskCompletionSource();
        AwaitAndComplete(PassThrough(new ValueTask(ready.Task)), ready);
    }

    [Benchmark(Description = "pending ValueTask, non-async: woven")]
    public void PendingValueTaskWoven()
    {
        var ready = new TaskCompletionSource();
        AwaitAndComplete(WovenPassThrough(new ValueTask(ready.Task)), ready);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ValueTask PassThrough(ValueTask task) => task;

    [MethodImpl(MethodImplOptions.NoInlining)]
    [ProfilePerformance("WovenPending")]
    private static ValueTask WovenPassThrough(ValueTask task) => task;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task PassThrough(Task task) => task;

    [MethodImpl(MethodImplOptions.NoInlining)]
    [ProfilePerformance("WovenPending")]
    private static Task WovenPassThrough(Task task) => task;

    private async Task HandTimed(Task task)
    {
        var start = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            await task.ConfigureAwait(false);
            ok = true;
        }
        finally
        {
            (ok ? _success : _failure).Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    /// <summary>The caller's await: one cached continuation, as an awaiting state machine would register.</summary>
    private static void Await(Task task) => task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(Resumed);

    /// <summary>The caller's await of a ValueTask, then completion; GetResult consumes it (a pooled box returns to its pool).</summary>
    private static void AwaitAndComplete(ValueTask call, TaskCompletionSource ready)
    {
        var caller = call.ConfigureAwait(false).GetAwaiter();
        caller.UnsafeOnCompleted(Resumed);
        ready.SetResult();
        caller.GetResult();
    }

    private static readonly Action Resumed = static () => { };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Work(int x) => (x * 31) ^ (x >> 3);

    /// <summary>An awaitable that is never complete and resumes its awaiter at once, on the same thread.</summary>
    private readonly struct InlineResume : ICriticalNotifyCompletion
    {
        public bool IsCompleted => false;

        public InlineResume GetAwaiter() => this;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) => continuation();

        public void UnsafeOnCompleted(Action continuation) => continuation();
    }
}
