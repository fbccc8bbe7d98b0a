namespace NbaSim.Observability;

/// <summary>When one periodic publisher runs.</summary>
public sealed class PublisherSchedule
{
    /// <summary>Run it on a schedule. Default false: a process opts in (ADCE does; a scraper need not).</summary>
    public bool Enabled { get; set; }

    /// <summary>Time between runs; 1 min to 7 days.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);
}
