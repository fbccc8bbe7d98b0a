namespace NbaSim.Observability.Tests.Profiling;

// Methods woven at build time by the NbaSim.Observability weaver (see the test project file).

public interface IUploader
{
    int Upload(string key);
}

public class Uploader : IUploader
{
    public static Exception? LastThrown { get; set; }

    [ProfilePerformance("FixtureRuntimeConflict")]
    public int RuntimeConflict(int x) => x;

    [ProfilePerformance("FixtureRollup", Rollup = true)]
    public int Rolled(int x) => x >= 0 ? x : throw new ArgumentOutOfRangeException(nameof(x));

    [ProfilePerformance("FixtureInterfaceUpload")]
    public int Upload(string key) => key.Length;

    [ProfilePerformance("FixtureSync")]
    public int Sync(int x)
    {
        if (x < 0)
        {
            var ex = new InvalidOperationException("negative");
            LastThrown = ex;
            throw ex;
        }

        return x * 2;
    }

    // Read from this assembly's metadata by nbaobs --assembly (ProfiledOperationReaderTests).
    [ProfilePerformance("FixtureGameSimulation", Dimensions = ["Engine=v2"])]
    public int Simulate(int x) => x;

    [ProfilePerformance("FixtureEngineWarmup", Namespace = "NBA-Simulator/Engine")]
    public int Warmup(int x) => x;

    [ProfilePerformance("FixtureStatic")]
    public static string Static(string s) => s + "!";

    [ProfilePerformance("FixtureVoid")]
    public void Void(List<int> sink) => sink.Add(1);

    [ProfilePerformance("FixtureGeneric")]
    public T Generic<T>(T value)
        where T : notnull => value;

    [ProfilePerformance("FixtureRefOutIn")]
    public static bool RefOutIn(ref int counter, out string text, in double factor)
    {
        counter++;
        text = (counter * factor).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return counter > 1;
    }

    [ProfilePerformance("FixtureEarlyReturns")]
    public static int EarlyReturns(int x)
    {
        for (var i = 0; i < 10; i++)
        {
            if (i == x)
            {
                return i;
            }
        }

        try
        {
            return x > 100 ? 100 : -1;
        }
        finally
        {
            x = 0;
        }
    }

    [ProfilePerformance("FixtureTask")]
    public async Task TaskAsync(int delayMs, bool fail)
    {
        await Task.Delay(delayMs);
        if (fail)
        {
            var ex = new InvalidOperationException("async failure");
            LastThrown = ex;
            throw ex;
        }
    }

    [ProfilePerformance("FixtureTaskOfT")]
    public async Task<int> TaskOfTAsync(int delayMs, CancellationToken cancellationToken)
    {
        await Task.Delay(delayMs, cancellationToken);
        return delayMs;
    }

    [ProfilePerformance("FixtureValueTask")]
    public ValueTask ValueTaskAsync(bool completed) => completed ? ValueTask.CompletedTask : new ValueTask(Task.Delay(20));

    [ProfilePerformance("FixtureValueTaskOfT")]
    public async ValueTask<string> ValueTaskOfTAsync(int delayMs)
    {
        if (delayMs > 0)
        {
            await Task.Delay(delayMs);
        }

        return "done";
    }

    [ProfilePerformance("FixtureSyncThrowBeforeTask")]
    public Task<int> ThrowsBeforeTask(bool throwNow) => throwNow ? throw new ArgumentException("sync") : Task.FromResult(1);

    [ProfilePerformance("FixtureCustom", Namespace = "NBA-Simulator/Scrapers", Dimensions = ["Scraper=espn", "Season=2025"], HighResolution = true)]
    public int Custom() => 7;

    public virtual int Virtual() => 0;
}

public class DerivedUploader : Uploader
{
    [ProfilePerformance("FixtureOverride")]
    public override int Virtual() => 1;
}

public class Repository<T>
    where T : class
{
    private readonly List<T> _items = [];

    [ProfilePerformance("FixtureGenericType")]
    public int Add(T item)
    {
        _items.Add(item);
        return _items.Count;
    }

    [ProfilePerformance("FixtureGenericTypeGenericMethod")]
    public async Task<TOut> MapAsync<TOut>(Func<T, TOut> map, T item)
    {
        await Task.Yield();
        return map(item);
    }
}

public struct Counter
{
    public int Value { get; private set; }

    [ProfilePerformance("FixtureStruct")]
    public int Bump()
    {
        Value++;
        return Value;
    }
}
