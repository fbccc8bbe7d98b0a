namespace NbaSim.Observability.Cli;

/// <content>Monitoring as code: plan/apply, export, preview, alarm status and alarm test.</content>
public sealed partial class NbaObsCommand
{
    private async Task<int> PlanAsync(Session session, bool prune, bool apply, string path, CancellationToken cancellationToken)
    {
        var definitions = await session.DefinitionsAsync(cancellationToken, ParsePath(path)).ConfigureAwait(false);
        var planner = new MonitoringPlanner(session.CloudWatch, session.Sns);
        var plan = await planner.PlanAsync(definitions, prune, cancellationToken).ConfigureAwait(false);
        if (apply)
        {
            await planner.ApplyAsync(definitions, plan, cancellationToken).ConfigureAwait(false);
        }

        if (session.Json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new { applied = apply, noChanges = plan.IsEmpty, plan.Changes, plan.Warnings }, Json)).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync(plan.Render()).ConfigureAwait(false);
            await output.WriteLineAsync(apply ? (plan.IsEmpty ? "Apply: nothing to do." : "Apply: done.") : (plan.IsEmpty ? "No changes." : "Run 'nbaobs apply' to make these changes.")).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>classic, otel or both (System.CommandLine has already refused anything else).</summary>
    private static MonitoringAsCode.MonitoringPath ParsePath(string? path) => path switch
    {
        "otel" => MonitoringAsCode.MonitoringPath.OTel,
        "both" => MonitoringAsCode.MonitoringPath.Both,
        _ => MonitoringAsCode.MonitoringPath.Classic,
    };

    private async Task<int> ExportAsync(Session session, string outPath, string path)
    {
        var full = Path.GetFullPath(string.IsNullOrWhiteSpace(outPath) ? throw new Input.CliInputException("--out is empty; pass a directory to write the dashboards to.") : outPath);
        if (File.Exists(full))
        {
            throw new Input.CliInputException($"--out {full} is a file; pass a directory to write the dashboards to.");
        }

        var directory = Directory.CreateDirectory(full);
        var context = session.OfflineContext();
        var written = new List<string>();
        foreach (var dashboard in MonitoringDefinitions.DashboardsFor(context, ParsePath(path)))
        {
            var target = Path.Combine(directory.FullName, FileName(dashboard.Name));
            await File.WriteAllTextAsync(target, dashboard.RenderBody() + "\n").ConfigureAwait(false);
            written.Add(target);
        }

        await Write(session, written, string.Join(Environment.NewLine, written.Select(w => $"wrote {w}"))).ConfigureAwait(false);
        return 0;
    }

    private async Task<int> PreviewAsync(Session session, string emf, string html, string path)
    {
        var output = Input.InputFile.RequireWritable("--out", html, "pass the HTML file to write, e.g. preview.html.");
        List<EmfRecord> records;
        using (var reader = new StreamReader(Input.InputFile.OpenBounded("--emf", emf, Input.InputFile.MaxEmfBytes, "pass a file written by the EMF exporter.")))
        {
            records = [];
            long number = 0;
            foreach (var line in Input.BoundedLines.Read(reader, MetricLimits.MaxEmfDocumentBytes, $"--emf {Path.GetFullPath(emf)}"))
            {
                number++;
                if (!string.IsNullOrWhiteSpace(line))
                {
                    records.AddRange(EmfReader.ParseLine(line, number));
                }
            }
        }

        var page = DashboardPreview.Render(MonitoringDefinitions.DashboardsFor(session.OfflineContext(), ParsePath(path)), records, $"{records.Count:N0} metric entries from {Path.GetFileName(emf)}");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, page).ConfigureAwait(false);
        await Write(session, new { html = output, records = records.Count }, $"wrote {output} ({records.Count:N0} metric entries)").ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// File name of a dashboard under dashboards/: NBA-Simulator-DataCollection → data_collection_dashboard.json,
    /// NBA-Simulator-DataCollection-PromQL → data_collection_promql_dashboard.json.
    /// </summary>
    public static string FileName(string dashboardName)
    {
        var promQL = dashboardName.EndsWith(NbaMonitoring.PromQLSuffix, StringComparison.Ordinal);
        var name = (promQL ? dashboardName[..^NbaMonitoring.PromQLSuffix.Length] : dashboardName).Replace(NbaMonitoring.DashboardPrefix, string.Empty, StringComparison.Ordinal).Replace('-', '_');
        var snake = string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 && char.IsLower(name[i - 1]) ? "_" + c : c.ToString())).ToLowerInvariant();
        return snake + (promQL ? "_promql" : string.Empty) + "_dashboard.json";
    }

    private async Task<int> AlarmStatusAsync(Session session, string path, CancellationToken cancellationToken)
    {
        var definitions = await session.DefinitionsAsync(cancellationToken, ParsePath(path)).ConfigureAwait(false);
        var names = definitions.Alarms.Select(a => a.AlarmName).ToList();
        var described = await session.CloudWatch.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNames = names }, cancellationToken).ConfigureAwait(false);
        var rows = names.Select(n => described.MetricAlarms.FirstOrDefault(a => a.Definition.AlarmName == n) is { } a
            ? new { Alarm = n, State = a.StateValue ?? "?", Reason = a.StateReason }
            : new { Alarm = n, State = "NOT DEPLOYED", Reason = (string?)null }).ToList();
        await Write(session, rows, string.Join(Environment.NewLine, rows.Select(r => $"{r.State,-18} {r.Alarm}{(r.Reason is null ? string.Empty : $"  — {r.Reason}")}"))).ConfigureAwait(false);
        return 0;
    }

    private async Task<int> AlarmTestAsync(Session session, string name, CancellationToken cancellationToken)
    {
        await session.CloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = name, StateValue = "ALARM", StateReason = $"nbaobs alarms test at {Clock.GetUtcNow():O}" }, cancellationToken).ConfigureAwait(false);
        await Write(session, new { alarm = name, state = "ALARM" }, $"{name} set to ALARM; its actions (the alert topic) fire now. It returns to its real state at the next evaluation.").ConfigureAwait(false);
        return 0;
    }
}
