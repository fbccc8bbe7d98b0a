namespace NbaSim.Observability;

/// <summary>How a periodic publisher has fared.</summary>
public sealed record PublisherRunState(string Name, long Runs, long Failures, DateTimeOffset? LastRun, string? LastError);
