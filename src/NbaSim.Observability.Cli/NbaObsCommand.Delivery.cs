namespace NbaSim.Observability.Cli;

/// <content>What a publishing command says about its datums: delivered, kept in the spool, or not delivered, with the exit code.</content>
public sealed partial class NbaObsCommand
{
    /// <summary>
    /// Delivers what the command published, within ShutdownTimeout: retried while time is left; then every datum is
    /// delivered (0), kept in the spool (3), or reported as not delivered (1), each on one line with its reason.
    /// </summary>
    private async Task<int> DeliverAsync(Session session, CancellationToken cancellationToken)
    {
        var outcome = await session.DeliverAsync(cancellationToken).ConfigureAwait(false);
        await ReportAsync(outcome).ConfigureAwait(false);
        return outcome.ExitCode;
    }

    /// <summary>Says what became of the datums: dropped, kept in the spool, and (separately) spool files quarantined.</summary>
    /// <param name="outcome">The delivery's outcome.</param>
    /// <param name="time">For <c>nbaobs time</c>: the metric and the command's exit code, which stays the exit code.</param>
    private async Task ReportAsync(DeliveryOutcome outcome, (string Metric, int ExitCode)? time = null)
    {
        if (outcome.Quarantined > 0)
        {
            await error.WriteLineAsync($"nbaobs: note: {outcome.Quarantined} unreadable file(s) of earlier runs were moved from the spool to {outcome.QuarantineDirectory}; this command's datums are not among them.").ConfigureAwait(false);
        }

        if (outcome.Dropped > 0)
        {
            await error.WriteLineAsync(time is { } t
                ? $"nbaobs: {t.Metric} was not published to {outcome.Destination}: {outcome.Reason} (the command's exit code {t.ExitCode} is kept)."
                : $"nbaobs: {outcome.Dropped} datum(s) were not delivered to {outcome.Destination}: {outcome.Reason}. Nothing else was lost; run the command again once that is fixed.").ConfigureAwait(false);
        }
        else if (outcome.Kept > 0)
        {
            await error.WriteLineAsync(time is { } t
                ? $"nbaobs: {t.Metric} was kept in the spool ({outcome.SpoolDirectory}), not published to {outcome.Destination}: {outcome.Reason}; the next run sends it (the command's exit code {t.ExitCode} is kept)."
                : $"nbaobs: {outcome.Kept} datum(s) were kept in the spool ({outcome.SpoolDirectory}), not delivered to {outcome.Destination}: {outcome.Reason}. The next run sends them; do not publish the same data again.").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A publishing command with the pipeline switched off (NBAOBS_DISABLED=1 or Enabled=false): it reads, calls and
    /// stores nothing (no Cost Explorer request, no DIMS state), and says so on both streams; exit 0, as nothing was lost.
    /// </summary>
    private async Task<int> SwitchedOffAsync(Session session)
    {
        var message = $"NbaSim.Observability is switched off ({Observability.Configuration.ObservabilitySwitch.Description}): nothing was published.";
        await error.WriteLineAsync("nbaobs: " + message).ConfigureAwait(false);
        await Write(session, new { published = false, switchedOff = true }, message).ConfigureAwait(false);
        return 0;
    }

    private Task Write(Session session, object json, string text)
        => output.WriteLineAsync(session.Json ? JsonSerializer.Serialize(json, Json) : text);

    /// <summary>What a publishing command's text output ends with: "published", or where its datums are.</summary>
    private static string Verdict(int exitCode, string separator) => exitCode switch
    {
        ExitCodes.Success => separator + "published",
        ExitCodes.Spooled => separator + "kept in the spool, not delivered",
        _ => separator + "not delivered",
    };
}
