namespace NbaSim.Observability.Cli;

/// <summary>Where a command's datums ended once delivery stopped: delivered, dropped (counted), or kept in the spool.</summary>
/// <param name="Dropped">Datums not delivered and not kept: lost, and counted in the diagnostics.</param>
/// <param name="Kept">Datums left in the spool for the next run (with the spool on).</param>
/// <param name="Quarantined">Unreadable spool files of earlier runs moved to the quarantine directory during this run.</param>
/// <param name="Destination">The endpoint, redacted, or the EMF destination.</param>
/// <param name="Reason">Why delivery stopped short (a server's message, redacted), when it did.</param>
/// <param name="SpoolDirectory">The spool directory, when the spool is on.</param>
internal sealed record DeliveryOutcome(long Dropped, long Kept, long Quarantined, string Destination, string Reason, string? SpoolDirectory)
{
    /// <summary>The quarantine directory inside the spool.</summary>
    public string? QuarantineDirectory => SpoolDirectory is null ? null : Path.Combine(SpoolDirectory, "quarantine");

    /// <summary>1 when anything was dropped, 3 when something was only kept in the spool, 0 when all was delivered.</summary>
    public int ExitCode => Dropped > 0 ? ExitCodes.Failed : Kept > 0 ? ExitCodes.Spooled : ExitCodes.Success;
}
