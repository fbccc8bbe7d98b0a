
namespace NbaSim.Observability;

/// <summary>What scrapers record about each S3 upload.</summary>
public interface IS3UploadMetrics
{
    /// <summary>An upload succeeded.</summary>
    void Succeeded();

    /// <summary>An upload failed (published as <c>S3UploadFailures</c>, the metric the S3-upload alarm watches).</summary>
    void Failed();
}

/// <summary>Cumulative statistics an orchestrator exposes (totals since it started).</summary>
/// <param name="TasksCompleted">Tasks completed so far.</param>
/// <param name="TasksFailed">Tasks failed so far.</param>
/// <param name="QueueDepth">Tasks waiting now.</param>
public readonly record struct AdceStatistics(long TasksCompleted, long TasksFailed, int QueueDepth);

/// <summary>ADCE health: task outcomes, queue depth and success rate (NBA-Simulator/ADCE).</summary>
public interface IAdceHealthMetrics
{
    /// <summary>A task completed.</summary>
    void TaskCompleted();

    /// <summary>A task failed.</summary>
    void TaskFailed();

    /// <summary>Samples the queue depth from <paramref name="queueDepth"/> at the end of each period. Dispose to stop.</summary>
    IDisposable ObserveQueueDepth(Func<int> queueDepth);

    /// <summary>Reports cumulative orchestrator statistics; the increments since the previous report are recorded.</summary>
    void Report(AdceStatistics statistics);
}

/// <summary>Data-quality results (NBA-Simulator/DataQuality).</summary>
public interface IDataQualityMetrics
{
    /// <summary>
    /// Records a validation run: <c>ValidationPassRate</c> = passed ÷ total × 100 (Percent), optionally with a
    /// <c>Dataset</c> dimension. A run with no records publishes nothing and returns false.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="passed"/> is negative or above <paramref name="total"/>.</exception>
    bool Report(long passed, long total, string? dataset = null);
}
