

namespace NbaSim.Observability;

/// <summary>When one periodic publisher runs.</summary>
public sealed class PublisherSchedule
{
    /// <summary>Run it on a schedule. Default false: a process opts in (ADCE does; a scraper need not).</summary>
    public bool Enabled { get; set; }

    /// <summary>Time between runs; 1 min to 7 days.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);
}

/// <summary>Schedules of the periodic publishers (<c>NbaObservability:Schedule</c>).</summary>
public sealed class ScheduleOptions
{
    /// <summary>S3 inventory; hourly by default.</summary>
    public PublisherSchedule S3Inventory { get; set; } = new() { Interval = TimeSpan.FromHours(1) };

    /// <summary>AWS cost; every 6 hours by default, as the original cron ran.</summary>
    public PublisherSchedule Cost { get; set; } = new() { Interval = TimeSpan.FromHours(6) };

    /// <summary>DIMS; every 6 hours by default, as the original cron ran.</summary>
    public PublisherSchedule Dims { get; set; } = new() { Interval = TimeSpan.FromHours(6) };

    /// <summary>Each wait is the interval ± this fraction, so many processes do not call AWS in step. Default 0.1; 0 to 0.5.</summary>
    public double Jitter { get; set; } = 0.1;
}

/// <summary>How a periodic publisher has fared.</summary>
public sealed record PublisherRunState(string Name, long Runs, long Failures, DateTimeOffset? LastRun, string? LastError);

/// <summary>Runs the periodic publishers on their schedules and on demand.</summary>
public interface IPublisherScheduler
{
    /// <summary>Names of the publishers: <c>s3</c>, <c>cost</c>, <c>dims</c>.</summary>
    IReadOnlyCollection<string> Publishers { get; }

    /// <summary>Runs one publisher now (waiting for a scheduled run of the same publisher to finish first).</summary>
    /// <returns>True when it succeeded; a failure is logged and counted, not thrown.</returns>
    Task<bool> PublishNowAsync(string publisher, CancellationToken cancellationToken = default);

    /// <summary>Runs, failures and last error of each publisher.</summary>
    IReadOnlyList<PublisherRunState> State { get; }
}
