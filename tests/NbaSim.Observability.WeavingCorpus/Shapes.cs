using System.Runtime.CompilerServices;

namespace NbaSim.Observability.WeavingCorpus;

/// <summary>Synchronous shapes: control flow, parameters, returns.</summary>
public class Shapes
{
    private readonly int[] _slots = new int[4];
    private Task _current = Task.CompletedTask;
    private int _steps;
    private readonly object _gate = new();

    public int Closed { get; private set; }

    [ProfilePerformance("SyncVoid")]
    public void SyncVoid() => _steps++;

    [ProfilePerformance("SyncInt")]
    public int SyncInt(int x) => x * 2;

    [ProfilePerformance("SyncThrows")]
    public void SyncThrows() => throw new InvalidOperationException("boom");

    [ProfilePerformance("SyncThrowsCancellation")]
    public void SyncThrowsCancellation() => throw new OperationCanceledException();

    // The body ends inside try/finally with no ret: the loop only leaves by an exception.
    [ProfilePerformance("EndsInTryFinally")]
    public void EndsInTryFinally()
    {
        _steps = 0;
        try
        {
            while (true)
            {
                Step();
            }
        }
        finally
        {
            Closed++;
        }
    }

    [ProfilePerformance("FilterCatches")]
    public int FilterCatches(int code)
    {
        try
        {
            throw new InvalidOperationException(code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (InvalidOperationException e) when (e.Message == "7")
        {
            return 7;
        }
    }

    [ProfilePerformance("FilterPassesThrough")]
    public int FilterPassesThrough(int code)
    {
        try
        {
            throw new InvalidOperationException("x");
        }
        catch (InvalidOperationException) when (code == 7)
        {
            return 7;
        }
    }

    [ProfilePerformance("ReturnsFromTry")]
    public int ReturnsFromTry(int x)
    {
        try
        {
            if (x > 10)
            {
                return 1;
            }

            if (x > 5)
            {
                return 2;
            }
        }
        finally
        {
            Closed++;
        }

        return 3;
    }

    [ProfilePerformance("ReturnsFromUsing")]
    public int ReturnsFromUsing(int x)
    {
        using var stream = new MemoryStream();
        if (x > 0)
        {
            return (int)stream.Length + x;
        }

        return -1;
    }

    [ProfilePerformance("ReturnsFromLock")]
    public int ReturnsFromLock(int x)
    {
        lock (_gate)
        {
            if (x > 0)
            {
                return x;
            }

            return 0;
        }
    }

    [ProfilePerformance("RefParameter")]
    public void RefParameter(ref int x) => x += 10;

    [ProfilePerformance("OutParameter")]
    public bool OutParameter(string text, out int value) => int.TryParse(text, out value);

    [ProfilePerformance("InParameter")]
    public long InParameter(in DateTime when) => when.Ticks;

    [ProfilePerformance("ReturnsRefT")]
    public ref int ReturnsRefT(int i) => ref _slots[i];

    [ProfilePerformance("ReturnsRefTask")]
    public ref Task ReturnsRefTask() => ref _current;

    private static Task s_task = Task.CompletedTask;
    private static Task<int> s_taskOfInt = Task.FromResult(5);
    private static ValueTask<int> s_valueTaskOfInt = new(6);
    private int _init;

    // Modifiers hide the shape: void modreq(IsExternalInit), modreq(InAttribute) Task& (issue 27, items 1–3).
    public int InitValue
    {
        get => _init;
        [ProfilePerformance("InitSetter")]
        init => _init = value;
    }

    [ProfilePerformance("RefReadonlyTask")]
    public static ref readonly Task RefReadonlyTask() => ref s_task;

    [ProfilePerformance("RefReadonlyTaskOfT")]
    public static ref readonly Task<int> RefReadonlyTaskOfT() => ref s_taskOfInt;

    [ProfilePerformance("RefReadonlyValueTaskOfT")]
    public static ref readonly ValueTask<int> RefReadonlyValueTaskOfT() => ref s_valueTaskOfInt;

    // A task faulted by an OperationCanceledException is what the caller's await sees as cancellation (item 4).
    [ProfilePerformance("TaskFaultedWithCancellation")]
    public Task TaskFaultedWithCancellation() => Task.FromException(new OperationCanceledException());

    [ProfilePerformance("ValueTaskFaultedWithCancellation")]
    public ValueTask ValueTaskFaultedWithCancellation() => ValueTask.FromException(new OperationCanceledException());

    [ProfilePerformance("ValueTaskOfTFaultedWithCancellation")]
    public ValueTask<int> ValueTaskOfTFaultedWithCancellation() => ValueTask.FromException<int>(new OperationCanceledException());

    [ProfilePerformance("TaskRunCancellation")]
    public Task TaskRunCancellation(CancellationToken token) => Task.Run(() => token.ThrowIfCancellationRequested(), CancellationToken.None);

    [ProfilePerformance("GenericMethod")]
    public T GenericMethod<T>(T value) => value;

    [ProfilePerformance("StaticMethod")]
    public static int StaticMethod(int x) => x + 1;

    [ProfilePerformance("WithLambda")]
    public int WithLambda(int x)
    {
        Func<int, int> add = y => x + y;
        return add(1);
    }

    [ProfilePerformance("WithLocalFunction")]
    public int WithLocalFunction(int x)
    {
        return Twice() + 1;

        int Twice() => x * 2;
    }

    // The local function inherits [SkipLocalsInit]: woven, it must keep locals uninitialized like its unwoven twin (item 6).
    [SkipLocalsInit]
    public int SkipLocalsInitOuter(int x)
    {
        return SkipLocalsInitInner(x);

        [ProfilePerformance("SkipLocalsInitLocalFunction")]
        static int SkipLocalsInitInner(int value) => value * 2;
    }

    [SkipLocalsInit]
    [ProfilePerformance("StackallocSkipLocalsInit")]
    public int StackallocSkipLocalsInit(int n)
    {
        Span<byte> buffer = stackalloc byte[n];
        buffer.Fill(1);
        var sum = 0;
        foreach (var b in buffer)
        {
            sum += b;
        }

        return sum;
    }

    [ProfilePerformance("PendingTaskCancelled")]
    public Task PendingTaskCancelled(CancellationToken token) => Task.Delay(10_000, token);

    private void Step()
    {
        if (++_steps == 3)
        {
            throw new InvalidOperationException("third step");
        }
    }
}

/// <summary>Async shapes, each completing synchronously, asynchronously, faulted and cancelled.</summary>
public class AsyncShapes
{
    [ProfilePerformance("AsyncTask")]
    public async Task AsyncTask(int mode, CancellationToken token)
    {
        if (mode > 0)
        {
            await Task.Delay(5, token).ConfigureAwait(false);
        }

        if (mode == 2)
        {
            throw new InvalidOperationException("faulted");
        }

        if (mode == 3)
        {
            await Task.Delay(10_000, token).ConfigureAwait(false);
        }
    }

    [ProfilePerformance("AsyncTaskOfT")]
    public async Task<int> AsyncTaskOfT(int mode, CancellationToken token)
    {
        if (mode > 0)
        {
            await Task.Delay(5, token).ConfigureAwait(false);
        }

        if (mode == 2)
        {
            throw new InvalidOperationException("faulted");
        }

        if (mode == 3)
        {
            await Task.Delay(10_000, token).ConfigureAwait(false);
        }

        return mode;
    }

    [ProfilePerformance("AsyncValueTask")]
    public async ValueTask AsyncValueTask(int mode, CancellationToken token)
    {
        if (mode > 0)
        {
            await Task.Delay(5, token).ConfigureAwait(false);
        }

        if (mode == 2)
        {
            throw new InvalidOperationException("faulted");
        }

        if (mode == 3)
        {
            await Task.Delay(10_000, token).ConfigureAwait(false);
        }
    }

    [ProfilePerformance("AsyncValueTaskOfT")]
    public async ValueTask<int> AsyncValueTaskOfT(int mode, CancellationToken token)
    {
        if (mode > 0)
        {
            await Task.Delay(5, token).ConfigureAwait(false);
        }

        if (mode == 2)
        {
            throw new InvalidOperationException("faulted");
        }

        if (mode == 3)
        {
            await Task.Delay(10_000, token).ConfigureAwait(false);
        }

        return mode;
    }
}

public class Generic<T>
{
    [ProfilePerformance("GenericClassMethod")]
    public T Echo(T value) => value;

    [ProfilePerformance("GenericClassAsync")]
    public async Task<T> EchoAsync(T value)
    {
        await Task.Yield();
        return value;
    }

    [ProfilePerformance("GenericMethodAsync")]
    public async Task<TOther> ConvertAsync<TOther>(TOther other)
    {
        await Task.Yield();
        return other;
    }
}

public struct Counter
{
    private int _value;

    [ProfilePerformance("StructMethod")]
    public int Increment() => ++_value;
}

public interface IScraper
{
    int Scrape(int page);
}

public class ExplicitScraper : IScraper
{
    [ProfilePerformance("ExplicitInterface")]
    int IScraper.Scrape(int page) => page + 100;
}

public class BaseWorker
{
    [ProfilePerformance("VirtualMethod")]
    public virtual int Work(int x) => x;
}

public class DerivedWorker : BaseWorker
{
    [ProfilePerformance("OverrideMethod")]
    public override int Work(int x) => base.Work(x) * 3;
}
