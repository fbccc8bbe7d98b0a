namespace NbaSim.Observability.Cli.Doctor;

/// <summary>The verdict of one doctor finding; the worst one decides the exit code.</summary>
internal enum DoctorStatus
{
    /// <summary>Nothing to do.</summary>
    Ok,

    /// <summary>Works, but something is missing, stale or will surprise an operator (exit 3 when nothing fails).</summary>
    Warn,

    /// <summary>Broken: metrics, alarms or notifications do not reach anyone (exit 1).</summary>
    Fail,
}
