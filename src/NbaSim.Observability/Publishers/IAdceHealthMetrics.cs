namespace NbaSim.Observability;

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
