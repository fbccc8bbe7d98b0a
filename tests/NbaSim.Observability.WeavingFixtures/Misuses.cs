using NbaSim.Observability;

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

    private static void Log(string scope, string message) => LastLog = scope + message;

    public static string LastLog { get; private set; } = string.Empty;

    [ProfilePerformance("Fine")]
    public int Valid() => 42;
}
