namespace NbaSim.Observability;

/// <summary>When one periodic publisher runs.</summary>
public sealed class PublisherSchedule
{
    /// <summary>Run it on a schedule. Default false: a process opts in (ADCE does; a scraper need not).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>Time between runs; 1 min to 7 days.</summary>
    /// <value>The default value is 6 h (<see cref="ScheduleOptions"/> sets 1 h for the S3 inventory).</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);
}
