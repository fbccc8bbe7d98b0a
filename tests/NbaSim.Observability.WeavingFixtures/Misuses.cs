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

    [ProfilePerformance("Fine")]
    public int Valid() => 42;
}
