namespace NbaSim.Observability.WeavingFixtures;

public abstract class Misuses
{
    [ProfilePerformance("Iterate")]
    public IEnumerable<int> Iterator()
    {
        yield return 1;
    }

    [ProfilePerformance("IterateAsync")]
    public async IAsyncEnumerable<int> AsyncIterator()
    {
        await Task.Yield();
        yield return 1;
    }

    [ProfilePerformance("FireAndForget")]
    public async void AsyncVoid() => await Task.Yield();

    [ProfilePerformance("Abstract")]
    public abstract void AbstractMethod();

    [ProfilePerformance("")]
    public void EmptyName()
    {
    }

    [ProfilePerformance("Bad\tName")]
    public void ControlCharacter()
    {
    }

    [ProfilePerformance("Upload", Namespace = "AWS/S3")]
    public void ReservedNamespace()
    {
    }

    [ProfilePerformance("Upload", Dimensions = ["Status=other"])]
    public void DuplicateStatus()
    {
    }

    [ProfilePerformance("Upload", Dimensions = ["NoEquals"])]
    public void MalformedDimension()
    {
    }

    [ProfilePerformance("Upload", Namespace = "   ")]
    public void WhitespaceNamespace()
    {
    }

    [ProfilePerformance("Upload", Dimensions = ["  =espn"])]
    public void WhitespaceDimensionName()
    {
    }

    [ProfilePerformance("Upload", Dimensions = ["Scraper=   "])]
    public void WhitespaceDimensionValue()
    {
    }

    [ProfilePerformance("Tasks")]
    public void KindConflict()
    {
    }

    /// <summary>Creates NBA-Simulator/Performance TasksDuration as a counter: KindConflict's metric.</summary>
    public static CounterSeries TasksCounter(INbaMetrics metrics) => metrics.Counter("NBA-Simulator/Performance", "TasksDuration");

    /// <summary>Issue 27 item 9, false negative: the name reaches Counter through a static readonly field.</summary>
    [ProfilePerformance("CtrClash")]
    public void StaticReadonlyClash()
    {
    }

    private static readonly string StaticReadonlyNs = "NBA-Simulator/Performance";

    public static CounterSeries CtrClashCounter(INbaMetrics metrics) => metrics.Counter(StaticReadonlyNs, "CtrClashDuration");

    [ProfilePerformance("UnitClash")]
    public void DistributionUnitClash()
    {
    }

    public static DistributionSeries UnitClashDistribution(INbaMetrics metrics) => metrics.Distribution("NBA-Simulator/Performance", "UnitClashDuration", MetricUnit.Milliseconds);

    /// <summary>Not a clash: two literals passed to a method that is not the metrics API, next to a counter of another name.</summary>
    [ProfilePerformance("NearMiss")]
    public void NearMiss(INbaMetrics metrics)
    {
        Log("NBA-Simulator/Performance", "NearMissDuration");
        metrics.Counter("NBA-Simulator/Other", "Unrelated").Add(1);
    }

    /// <summary>Not a clash: a distribution in seconds is what the profiled method publishes.</summary>
    [ProfilePerformance("SameKind")]
    public void SameKind()
    {
    }

    public static DistributionSeries SameKindDistribution(INbaMetrics metrics) => metrics.Distribution("NBA-Simulator/Performance", "SameKindDuration", MetricUnit.Seconds);

    /// <summary>Attack finding: a non-capturing lambda is a cached delegate (ldsfld; dup; brtrue): the names are still read.</summary>
    [ProfilePerformance("GaugeLambda")]
    public void GaugeLambdaClash()
    {
    }

    public static IDisposable GaugeLambda(INbaMetrics metrics) => metrics.ObservableGauge("NBA-Simulator/Performance", "GaugeLambdaDuration", MetricUnit.None, () => 1.0, default);

    [ProfilePerformance("GaugeMethodGroup")]
    public void GaugeMethodGroupClash()
    {
    }

    public static IDisposable GaugeMethodGroup(INbaMetrics metrics) => metrics.ObservableGauge("NBA-Simulator/Performance", "GaugeMethodGroupDuration", MetricUnit.None, Observe, default);

    private static double Observe() => 2.0;

    /// <summary>Attack finding: an object initializer calls an init accessor (void modreq(IsExternalInit)) between the arguments.</summary>
    [ProfilePerformance("InitOptions")]
    public void InitOptionsClash()
    {
    }

    public static CounterSeries InitOptions(INbaMetrics metrics) => metrics.Counter("NBA-Simulator/Performance", "InitOptionsDuration", MetricUnit.Count, new SeriesOptions { PublishZeroWhenIdle = true });

    /// <summary>Not a clash: the static readonly name is changed through its address before anything reads it.</summary>
    [ProfilePerformance("Rewritten")]
    public void RewrittenName()
    {
    }

    public static CounterSeries RewrittenCounter(INbaMetrics metrics) => metrics.Counter("NBA-Simulator/Performance", Names.Rewritten);

    private static void Log(string scope, string message) => LastLog = scope + message;

    public static string LastLog { get; private set; } = string.Empty;

    [ProfilePerformance("Fine")]
    public int Valid() => 42;
}

/// <summary>A static readonly field its static constructor rewrites through a reference.</summary>
public static class Names
{
    public static readonly string Rewritten = "RewrittenDuration";

#pragma warning disable CA1810 // the rewrite through a reference is the point
    static Names() => Volatile.Write(ref Rewritten, "SomethingElse");
#pragma warning restore CA1810
}
