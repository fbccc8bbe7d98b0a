namespace NbaSim.Observability.Cli;

/// <summary>
/// The one rule for <c>nbaobs</c>'s exit codes (README, "Exit codes"). <c>nbaobs time</c> is the exception: it exits with
/// its command's code, and a publishing problem is one line on stderr.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done: everything the command published was delivered.</summary>
    public const int Success = 0;

    /// <summary>
    /// The run failed (AWS refused, the endpoint was unreachable, time ran out): what was not delivered is named on stderr
    /// and nothing was kept. Fix the cause and run the command again.
    /// </summary>
    public const int Failed = 1;

    /// <summary>
    /// The input is wrong (an argument, the configuration, a file to read): one line names it and the limit or rule.
    /// Nothing was published; fix the input and run again.
    /// </summary>
    public const int BadInput = 2;

    /// <summary>
    /// Accepted but not delivered: kept in the spool, which the next run (or the application) sends. Do not run the
    /// command again for the same data: it would be counted twice.
    /// </summary>
    public const int Spooled = 3;

    /// <summary><c>nbaobs doctor</c> only: no check failed, at least one warns (the same number as <see cref="Spooled"/>: "not all well, nothing broken").</summary>
    public const int DoctorWarnings = 3;
}
