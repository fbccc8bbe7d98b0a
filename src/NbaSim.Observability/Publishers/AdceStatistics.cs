namespace NbaSim.Observability;

/// <summary>Cumulative statistics an orchestrator exposes (totals since it started).</summary>
/// <param name="TasksCompleted">Tasks completed so far.</param>
/// <param name="TasksFailed">Tasks failed so far.</param>
/// <param name="QueueDepth">Tasks waiting now.</param>
public readonly record struct AdceStatistics(long TasksCompleted, long TasksFailed, int QueueDepth);
