namespace NbaSim.Observability.Cli.Doctor;

/// <summary>One line of <c>nbaobs doctor</c>: which check, about what, the verdict, what was seen and what to do.</summary>
/// <param name="Check">The check: identity, write-probe, clock, metrics, freshness, alarm, alert-topic, dashboard, cost-data, delivery.</param>
/// <param name="Subject">What the line is about: a namespace, an alarm, a topic, a widget.</param>
/// <param name="Status">The verdict.</param>
/// <param name="Detail">What was seen.</param>
/// <param name="Fix">What to do, or null when nothing is to be done.</param>
internal sealed record DoctorFinding(string Check, string Subject, DoctorStatus Status, string Detail, string? Fix = null)
{
    public static DoctorFinding Ok(string check, string subject, string detail) => new(check, subject, DoctorStatus.Ok, detail);

    public static DoctorFinding Warn(string check, string subject, string detail, string fix) => new(check, subject, DoctorStatus.Warn, detail, fix);

    public static DoctorFinding Fail(string check, string subject, string detail, string fix) => new(check, subject, DoctorStatus.Fail, detail, fix);
}
