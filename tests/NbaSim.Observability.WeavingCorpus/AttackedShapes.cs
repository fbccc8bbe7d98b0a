using System.Runtime.CompilerServices;

namespace NbaSim.Observability.WeavingCorpus;

/// <summary>
/// Shapes an attacker wrote past the first corpus (issue 27): accessors, operators, awaits in handlers, records,
/// ref structs, function pointers, recursion, a custom async builder, C# 14 extension members, pending shared tasks.
/// </summary>
public class AttackedShapes
{
    private readonly int[] _items = [10, 20, 30];
    // Continuations run inside SetResult, so every tracker is back in its pool when Ready returns.
    private readonly TaskCompletionSource _ready = new();
    private EventHandler? _changed;

    public int Value
    {
        [ProfilePerformance("PropertyGetter")]
        get => _items[0];
        [ProfilePerformance("PropertySetter")]
        set => _items[0] = value;
    }

    public int this[int index]
    {
        [ProfilePerformance("IndexerGetter")]
        get => _items[index];
    }

    public event EventHandler? Changed
    {
        [ProfilePerformance("EventAdd")]
        add => _changed += value;
        remove => _changed -= value;
    }

    public int Listeners => _changed?.GetInvocationList().Length ?? 0;

    [ProfilePerformance("Threaded")]
    public static int Threaded(int x) => x + 1;

    [ProfilePerformance("Recursion")]
    public int Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

    [ProfilePerformance("AwaitInCatchFinally")]
    public async Task<int> AwaitInCatchFinally()
    {
        var steps = 0;
        try
        {
            try
            {
                await Task.Yield();
                throw new InvalidOperationException("inner");
            }
            catch (InvalidOperationException)
            {
                await Task.Delay(1);
                steps++;
            }
        }
        finally
        {
            await Task.Yield();
            steps++;
        }

        return steps;
    }

    [ProfilePerformance("AwaitUsingForeach")]
    public async Task<int> AwaitUsingForeach()
    {
        var sum = 0;
        await using (var resource = new AsyncResource())
        {
            await foreach (var item in Items())
            {
                sum += item;
            }

            sum += resource.Id;
        }

        return sum;
    }

    private static async IAsyncEnumerable<int> Items()
    {
        for (var i = 1; i <= 3; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    [ProfilePerformance("FunctionPointer")]
    public unsafe int FunctionPointer(int x)
    {
        delegate*<int, int> twice = &Twice;
        return twice(x);
    }

    private static int Twice(int x) => x * 2;

    [ProfilePerformance("RefStructSpan")]
    public int RefStructSpan(ReadOnlySpan<int> values)
    {
        var sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum;
    }

    /// <summary>Issue 27 item 8: a method-level custom builder (its name does not contain "MethodBuilder").</summary>
    [ProfilePerformance("CustomBuilder")]
    [AsyncMethodBuilder(typeof(TracingBuilder))]
    public async Task CustomBuilder(bool fail)
    {
        await Task.Yield();
        if (fail)
        {
            throw new InvalidOperationException("custom");
        }
    }

    /// <summary>Attack finding: a builder of the same type as the method's own, used inside it, is not the method's completion.</summary>
    [ProfilePerformance("OtherBuilder")]
    public async Task OtherBuilder()
    {
        await Task.Yield();
        var other = AsyncTaskMethodBuilder.Create();
        Handed = other.Task;
        other.SetResult();
    }

    public static Task? Handed { get; private set; }

    /// <summary>Issue 27 item 5: a long-lived task handed to every caller (=> _ready.Task).</summary>
    [ProfilePerformance("PendingShared")]
    public Task PendingShared() => _ready.Task;

    public void Ready() => _ready.SetResult();

    /// <summary>
    /// Issue 27 item 9, false positive: two string literals passed to something that is not the metrics API, near a
    /// counter of another name, must not make the build believe "FalsePosDuration" is a counter.
    /// </summary>
    [ProfilePerformance("FalsePos")]
    public int FalsePos(INbaMetrics metrics)
    {
        Log("NBA-Simulator/Performance", "FalsePosDuration");
        metrics.Counter("NBA-Simulator/Corpus", "Neighbour").Add(1);
        return 1;
    }

    private static void Log(string scope, string message) => LastLog = scope + ": " + message;

    public static string LastLog { get; private set; } = string.Empty;

    private sealed class AsyncResource : IAsyncDisposable
    {
        public int Id => 100;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>A record with a profiled method and an operator.</summary>
public record Score(int Home, int Away)
{
    [ProfilePerformance("RecordMethod")]
    public int Margin() => Home - Away;

    [ProfilePerformance("Operator")]
    public static Score operator +(Score a, Score b) => new(a.Home + b.Home, a.Away + b.Away);
}

/// <summary>A ref struct's own method.</summary>
public ref struct Cursor(ReadOnlySpan<int> values)
{
    private readonly ReadOnlySpan<int> _values = values;
    private int _at;

    [ProfilePerformance("RefStructMethod")]
    public bool Next(out int value)
    {
        if (_at < _values.Length)
        {
            value = _values[_at++];
            return true;
        }

        value = 0;
        return false;
    }
}

/// <summary>A finalizer runs on the finalizer thread, once.</summary>
public sealed class Finalized
{
    public static int Runs;

    [ProfilePerformance("Finalizer")]
    ~Finalized() => Interlocked.Increment(ref Runs);
}

/// <summary>Issue 27 item 10: C# 14 extension members are compiled as an implementation and a never-called skeleton.</summary>
public static class Extensions
{
    extension(string text)
    {
        [ProfilePerformance("ExtensionMethod")]
        public int DoubledLength() => text.Length * 2;

        public int HalfLength
        {
            [ProfilePerformance("ExtensionProperty")]
            get => text.Length / 2;
        }
    }
}

/// <summary>A method-level async builder that wraps the standard one and counts completions.</summary>
public struct TracingBuilder
{
    private AsyncTaskMethodBuilder _inner;

    public static int Completions;

    public static TracingBuilder Create() => new() { _inner = AsyncTaskMethodBuilder.Create() };

    public Task Task => _inner.Task;

    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine => _inner.Start(ref stateMachine);

    public void SetStateMachine(IAsyncStateMachine stateMachine) => _inner.SetStateMachine(stateMachine);

    public void SetResult()
    {
        Interlocked.Increment(ref Completions);
        _inner.SetResult();
    }

    public void SetException(Exception exception)
    {
        Interlocked.Increment(ref Completions);
        _inner.SetException(exception);
    }

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine => _inner.AwaitOnCompleted(ref awaiter, ref stateMachine);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine => _inner.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);
}
