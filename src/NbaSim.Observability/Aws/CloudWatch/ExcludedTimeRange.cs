namespace NbaSim.Observability.Aws.CloudWatch;

/// <summary>A time range the anomaly model ignores.</summary>
internal sealed record ExcludedTimeRange(DateTimeOffset StartTime, DateTimeOffset EndTime);
