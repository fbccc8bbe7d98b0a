using System.CommandLine;
using NbaSim.Observability.Cli.Doctor;

namespace NbaSim.Observability.Cli;

/// <content><c>nbaobs doctor</c>: the operator's common issues, checked against the live account.</content>
public sealed partial class NbaObsCommand
{
    /// <summary>Longest wait for the endpoint's Date header.</summary>
    private static readonly TimeSpan ServerDateTimeout = TimeSpan.FromSeconds(10);

    private Command DoctorCommand()
    {
        var since = new Option<string>("--since") { Description = "How far back to look for data, replay alarms and query dashboards: 90m, 24h, 7d (10 minutes to 15 days; default 24h).", DefaultValueFactory = _ => "24h" };
        var writeProbe = new Option<bool>("--write-probe")
        {
            Description = $"Also PutMetricData one datum to {Doctor.AccountDoctor.ProbeNamespace} to prove the credentials may publish. It creates one custom metric, billed for the hour it has data (about $0.0004).",
        };
        var doctor = new Command("doctor", "Check, read-only, why metrics, alarms, dashboards or cost data may not show: identity, names, freshness, clock, alarms and their topic, dashboards, Cost Explorer's lag, delivery. Exit 0 all ok, 3 warnings only, 1 a failure.") { since, writeProbe };
        doctor.SetAction((p, ct) => Run(p, ct, s => DoctorAsync(s, Doctor.AccountDoctor.ParseSince(p.GetValue(since)!), p.GetValue(writeProbe), ct)));
        return doctor;
    }

    private async Task<int> DoctorAsync(Session session, TimeSpan since, bool writeProbe, CancellationToken cancellationToken)
    {
        var inputs = new DoctorInputs
        {
            CloudWatch = session.CloudWatch,
            Sns = session.Sns,
            CostExplorer = session.CostExplorer,
            CallerIdentity = session.CallerIdentityAsync,
            ServerDate = ct => ServerDateAsync(session.CloudWatchUrl, ct),
            Options = session.Options,
            Definitions = account => MonitoringDefinitions.For(session.OfflineContext() with { AccountId = account }, session.Options.Monitoring),
            Clock = Clock,
            Since = since,
            WriteProbe = writeProbe,
        };
        var findings = await new Doctor.AccountDoctor(inputs).RunAsync(cancellationToken).ConfigureAwait(false);
        var code = Doctor.AccountDoctor.ExitCode(findings);
        var counts = (Ok: findings.Count(f => f.Status == DoctorStatus.Ok), Warn: findings.Count(f => f.Status == DoctorStatus.Warn), Fail: findings.Count(f => f.Status == DoctorStatus.Fail));
        var text = new System.Text.StringBuilder();
        foreach (var f in findings)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Label(f.Status),-5} {f.Check,-12} {f.Subject}: {f.Detail}").AppendLine();
            if (f.Fix is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"{string.Empty,-18} → {f.Fix}").AppendLine();
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"doctor: {counts.Ok} ok, {counts.Warn} warn, {counts.Fail} fail (exit {code})");
        var json = new
        {
            checks = findings.Select(f => new { check = f.Check, subject = f.Subject, status = Label(f.Status), detail = f.Detail, fix = f.Fix }),
            ok = counts.Ok,
            warn = counts.Warn,
            fail = counts.Fail,
            exitCode = code,
        };
        await Write(session, json, text.ToString()).ConfigureAwait(false);
        return code;
    }

    private static string Label(DoctorStatus status) => status switch
    {
        DoctorStatus.Fail => "fail",
        DoctorStatus.Warn => "warn",
        _ => "ok",
    };

    /// <summary>The Date header of an unsigned GET to the endpoint's root: no credentials are sent, no redirect followed.</summary>
    private static async Task<DateTimeOffset?> ServerDateAsync(string url, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler) { Timeout = ServerDateTimeout };
        var root = new UriBuilder(new Uri(url)) { UserName = string.Empty, Password = string.Empty, Path = "/", Query = string.Empty, Fragment = string.Empty }.Uri;
        using var response = await http.GetAsync(root, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return response.Headers.Date;
    }
}
