namespace NbaSim.Observability;

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
