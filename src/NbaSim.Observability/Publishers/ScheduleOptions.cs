namespace NbaSim.Observability;

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
    /// <value>The default value is 0.1.</value>
    public double Jitter { get; set; } = 0.1;
}
