using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.Sns;
using NbaSim.Observability.Aws.Sts;
using NbaSim.Observability.Cli.CiCd;
using NbaSim.Observability.Cli.MonitoringAsCode;
using NbaSim.Observability.Publishers;

namespace NbaSim.Observability.Cli;

/// <summary>
/// The <c>nbaobs</c> command line. Exit codes (<see cref="ExitCodes"/>): 0 delivered, 1 the run failed, 2 the input is
/// wrong and nothing was published, 3 kept in the spool and not delivered; <c>time</c> exits with its command's code.
/// </summary>
public sealed class NbaObsCommand(TextWriter output, TextWriter error)
{
    /// <summary>Every <c>--output json</c>: camelCase keys, enums as their names (README, "JSON output").</summary>
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private readonly Option<string?> _endpoint = new("--endpoint-url") { Description = "Send every AWS call to this endpoint (moto, LocalStack).", Recursive = true };
    private readonly Option<string?> _region = new("--region") { Description = "AWS region (default: configuration, then us-east-1).", Recursive = true };
    private readonly Option<string?> _config = new("--config") { Description = "JSON configuration file with an NbaObservability section.", Recursive = true };
    private readonly Option<string> _output = new("--output") { Description = "text or json.", Recursive = true, DefaultValueFactory = _ => "text" };
    private readonly Option<bool> _verbose = new("--verbose") { Description = "Show stack traces on errors.", Recursive = true };

    /// <summary>The clock every command reads "now" and "today" from (tests set a fixed one).</summary>
    internal TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Parses and runs <paramref name="args"/>.</summary>
    public async Task<int> RunAsync(string[] args)
    {
        _output.AcceptOnlyFromAmong("text", "json");
        var root = new RootCommand("nbaobs: monitoring as code and metric publishing for the NBA simulator.");
        foreach (var option in new Option[] { _endpoint, _region, _config, _output, _verbose })
        {
            root.Options.Add(option);
        }

        var prune = new Option<bool>("--prune") { Description = "Also delete our dashboards and alarms that are no longer defined." };
        var plan = new Command("plan", "Show what apply would change.") { prune };
        plan.SetAction((p, ct) => Run(p, ct, s => PlanAsync(s, p.GetValue(prune), apply: false, ct)));
        var pruneApply = new Option<bool>("--prune") { Description = "Also delete our dashboards and alarms that are no longer defined." };
        var apply = new Command("apply", "Create or update the dashboards, alarms and alert topic that differ.") { pruneApply };
        apply.SetAction((p, ct) => Run(p, ct, s => PlanAsync(s, p.GetValue(pruneApply), apply: true, ct)));

        var outDir = new Option<string>("--out") { Description = "Directory to write the dashboard JSON files to.", Required = true };
        var export = new Command("export", "Write the rendered dashboard bodies.") { outDir };
        export.SetAction((p, ct) => Run(p, ct, s => ExportAsync(s, p.GetValue(outDir)!)));
        var emf = new Option<string>("--emf") { Description = "EMF file recorded by the exporter (one JSON document per line).", Required = true };
        var html = new Option<string>("--out") { Description = "HTML file to write.", Required = true };
        var preview = new Command("preview", "Render the dashboards against recorded EMF data into one self-contained HTML file.") { emf, html };
        preview.SetAction((p, ct) => Run(p, ct, s => PreviewAsync(s, p.GetValue(emf)!, p.GetValue(html)!)));
        var dashboards = new Command("dashboards", "Dashboard files.") { export, preview };

        var bucket = new Option<string?>("--bucket") { Description = "Bucket to inventory (default: configuration)." };
        var s3 = new Command("s3", "Count objects and bytes of the buckets and publish S3ObjectCount, S3TotalSizeGB.") { bucket };
        s3.SetAction((p, ct) => Run(p, ct, s => s.SwitchedOff ? SwitchedOffAsync(s) : PublishS3Async(s, p.GetValue(bucket), ct), b => { if (p.GetValue(bucket) is { } x) { b["S3Inventory:Buckets:0"] = x; } }));
        var budget = new Option<decimal?>("--budget") { Description = "Monthly budget in USD (default 150)." };
        var cost = new Command("cost", "Publish MonthlyAWSCost and BudgetUtilization from Cost Explorer.") { budget };
        cost.SetAction((p, ct) => Run(p, ct, s => s.SwitchedOff ? SwitchedOffAsync(s) : PublishCostAsync(s, ct), b => { if (p.GetValue(budget) is { } x) { b["Cost:MonthlyBudgetUsd"] = x.ToString(CultureInfo.InvariantCulture); } }));
        var file = new Option<string>("--file") { Description = "DIMS metrics file, e.g. inventory/metrics.yaml.", Required = true };
        var dims = new Command("dims", "Publish DIMS inventory values (all or nothing) and drift.") { file };
        dims.SetAction((p, ct) => Run(p, ct, s => s.SwitchedOff ? SwitchedOffAsync(s) : PublishDimsAsync(s, p.GetValue(file)!, ct)));
        var passed = new Option<long>("--passed") { Description = "Records that passed validation.", Required = true };
        var total = new Option<long>("--total") { Description = "Records validated.", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset dimension (optional)." };
        var quality = new Command("quality", "Publish ValidationPassRate = passed / total × 100.") { passed, total, dataset };
        quality.SetAction((p, ct) => Run(p, ct, s => s.SwitchedOff ? SwitchedOffAsync(s) : PublishQualityAsync(s, p.GetValue(passed), p.GetValue(total), p.GetValue(dataset), ct)));
        var junit = new Option<string[]>("--junit") { Description = "JUnit XML report(s), e.g. from pytest --junitxml.", AllowMultipleArgumentsPerToken = true };
        var trx = new Option<string[]>("--trx") { Description = "TRX report(s) from dotnet test --logger trx.", AllowMultipleArgumentsPerToken = true };
        var suite = new Option<string?>("--suite") { Description = "Suite dimension (default: the report's suite name)." };
        var tests = new Command("tests", "Publish test results (TestsPassed, TestsFailed, TestsSkipped, TestPassRate, TestSuiteDuration, TestDuration) to NBA-Simulator/CICD.") { junit, trx, suite };
        tests.SetAction((p, ct) => Run(p, ct, s => s.SwitchedOff ? SwitchedOffAsync(s) : PublishTestsAsync(s, p.GetValue(junit) ?? [], p.GetValue(trx) ?? [], p.GetValue(suite), ct)));
        var pipelineName = new Option<string>("--pipeline") { Description = "Pipeline name (dimension Pipeline).", Required = true };
        var duration = new Option<double?>("--duration") { Description = "Duration in seconds." };
        var startedAt = new Option<DateTimeOffset?>("--started-at") { Description = "Start time (ISO 8601), instead of --duration: the duration is now minus this." };
        var pipelineStatus = new Option<string>("--status") { Description = "success or failure.", Required = true };
        pipelineStatus.AcceptOnlyFromAmong("success", "failure");
        var pipeline = new Command("pipeline", "Publish PipelineDuration (Pipeline, Status) to NBA-Simulator/CICD.") { pipelineName, duration, startedAt, pipelineStatus };
        pipeline.SetAction((p, ct) => Run(p, ct, s => s.SwitchedOff ? SwitchedOffAsync(s) : PublishPipelineAsync(s, p.GetValue(pipelineName)!, p.GetValue(duration), p.GetValue(startedAt), p.GetValue(pipelineStatus)!, ct)));
        var publish = new Command("publish", "Publish metrics now.") { s3, cost, dims, quality, tests, pipeline };

        var operation = new Option<string>("--operation") { Description = "Operation name: publishes <NAME>Duration to NBA-Simulator/Performance.", Required = true };
        var publishTimeout = new Option<TimeSpan>("--publish-timeout") { Description = "Longest wait for publishing after the command ends (default 00:00:05).", DefaultValueFactory = _ => TimeSpan.FromSeconds(5) };
        var commandLine = new Argument<string[]>("command") { Description = "The command and its arguments, after --.", Arity = ArgumentArity.OneOrMore };
        var time = new Command("time", "Run a command, exit with its exit code, and publish its duration as [ProfilePerformance] does.") { operation, publishTimeout, commandLine };
        time.SetAction((p, ct) => TimeAsync(p, p.GetValue(operation)!, p.GetValue(publishTimeout), p.GetValue(commandLine)!));

        var status = new Command("status", "State of our alarms.");
        status.SetAction((p, ct) => Run(p, ct, s => AlarmStatusAsync(s, ct)));
        var alarmName = new Argument<string>("name") { Description = "Alarm to set to ALARM." };
        var test = new Command("test", "Set an alarm to ALARM (SetAlarmState) to test the path to the inbox.") { alarmName };
        test.SetAction((p, ct) => Run(p, ct, s => AlarmTestAsync(s, p.GetValue(alarmName)!, ct)));
        var alarms = new Command("alarms", "Alarms.") { status, test };

        root.Subcommands.Add(plan);
        root.Subcommands.Add(apply);
        root.Subcommands.Add(dashboards);
        root.Subcommands.Add(publish);
        root.Subcommands.Add(alarms);
        root.Subcommands.Add(time);
        var report = new Command("report", "Month to date, forecast, budget, top services, this product's CloudWatch bill, and recommendations with estimated savings.");
        report.SetAction((p, ct) => Run(p, ct, s => CostReportAsync(s, ct)));
        root.Subcommands.Add(new Command("cost", "Cost optimization.") { report });

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                await error.WriteLineAsync($"nbaobs: {e.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'nbaobs --help' for usage.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        // 'time' forwards SIGINT/SIGTERM to its command and exits with the command's code: no termination handling of ours.
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        if (parsed.CommandResult.Command == time)
        {
            configuration.ProcessTerminationTimeout = null;
        }

        return await parsed.InvokeAsync(configuration).ConfigureAwait(false);
    }

    private async Task<int> Run(ParseResult parse, CancellationToken cancellationToken, Func<Session, Task<int>> body, Action<Dictionary<string, string?>>? overrides = null)
    {
        try
        {
            var settings = new Dictionary<string, string?>();
            overrides?.Invoke(settings);
            await using var session = Session.Create(parse.GetValue(_config), parse.GetValue(_endpoint), parse.GetValue(_region), parse.GetValue(_output) == "json", settings, new CliLoggerProvider(error, parse.GetValue(_verbose)));
            return await body(session).ConfigureAwait(false);
        }
        catch (Exception ex) when (UsageProblem(ex) is { } usage)
        {
            // Bad input (a missing file, a value out of range): say which and what to do; exit 2 like a parse error.
            await error.WriteLineAsync($"nbaobs: {usage.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            if (parse.GetValue(_verbose))
            {
                await error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("nbaobs: cancelled").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (Exception ex)
        {
            // One clear line; the stack only when asked for.
            await error.WriteLineAsync($"nbaobs: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            if (parse.GetValue(_verbose))
            {
                await error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.Failed;
        }
    }

    /// <summary>The message for an error caused by the command's input (exit 2), or null for a failure of the run (exit 1).</summary>
    private static string? UsageProblem(Exception ex) => ex switch
    {
        OptionsValidationException options => string.Join(" ", options.Failures) + ConfigurationHint,
        Input.CliInputException input => input.Message,
        FileNotFoundException file => file.Message,
        DirectoryNotFoundException directory => directory.Message,
        ArgumentException argument => argument.Message,
        EmfFormatException emf => emf.Message + " Pass a file written by the EMF exporter.",
        TestReportFormatException report => report.Message + "; nothing was published.",
        DimsFormatException dims => dims.Message + " Nothing was published.",
        _ => null,
    };

    private const string ConfigurationHint = " Fix it in the --config file or the environment variable NbaObservability__… (':' becomes '__').";

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

    private async Task<int> PublishTestsAsync(Session session, string[] junit, string[] trx, string? suite, CancellationToken cancellationToken)
    {
        if (junit.Length + trx.Length == 0)
        {
            throw new ArgumentException("pass at least one report: --junit FILE (pytest --junitxml) or --trx FILE (dotnet test --logger trx).");
        }

        // Every file is read before anything is published: a malformed one publishes nothing.
        var report = new TestReport();
        foreach (var file in junit)
        {
            report.Add(TestReportReader.ReadJUnit(file));
        }

        foreach (var file in trx)
        {
            report.Add(TestReportReader.ReadTrx(file));
        }

        if (!MetricValidator.IsValidValue(report.DurationSeconds))
        {
            throw new Input.CliInputException($"the reports' durations add up to {report.DurationSeconds.ToString(CultureInfo.InvariantCulture)} s, beyond CloudWatch's range of ±2^360; nothing was published.");
        }

        var name = suite ?? report.SuiteName ?? "tests";
        var metrics = session.Get<INbaMetrics>();
        var now = Clock.GetUtcNow();
        MetricDimension[] dimensions = [new("Suite", name)];
        metrics.Publish(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.TestsPassed, report.Passed, MetricUnit.Count, now, dimensions));
        metrics.Publish(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.TestsFailed, report.Failed, MetricUnit.Count, now, dimensions));
        metrics.Publish(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.TestsSkipped, report.Skipped, MetricUnit.Count, now, dimensions));
        if (report.PassRatePercent is { } rate)
        {
            metrics.Publish(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.TestPassRate, rate, MetricUnit.Percent, now, dimensions));
        }

        metrics.Publish(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.TestSuiteDuration, report.DurationSeconds, MetricUnit.Seconds, now, dimensions));
        var perTest = metrics.Distribution(NbaMetricNames.CiCd, NbaMetricNames.TestDuration, MetricUnit.Seconds, default, dimensions);
        foreach (var seconds in report.TestSeconds)
        {
            perTest.Record(seconds);
        }

        var delivered = await DeliverAsync(session, cancellationToken).ConfigureAwait(false);
        await Write(session, new { suite = name, report.Passed, report.Failed, report.Skipped, passRate = report.PassRatePercent, durationSeconds = report.DurationSeconds, tests = report.TestSeconds.Count, delivered = delivered == ExitCodes.Success, spooled = delivered == ExitCodes.Spooled },
            string.Create(CultureInfo.InvariantCulture, $"{name}: {report.Passed} passed, {report.Failed} failed, {report.Skipped} skipped in {report.DurationSeconds:0.###} s{(report.PassRatePercent is { } r ? $" ({r:0.##} % pass rate)" : string.Empty)}{Verdict(delivered, "; ")}")).ConfigureAwait(false);
        return delivered;
    }

    private async Task<int> PublishPipelineAsync(Session session, string pipeline, double? duration, DateTimeOffset? startedAt, string status, CancellationToken cancellationToken)
    {
        if (duration is null == startedAt is null)
        {
            throw new ArgumentException("pass exactly one of --duration SECONDS and --started-at ISO8601.");
        }

        var now = Clock.GetUtcNow();
        var seconds = duration ?? (now - startedAt!.Value).TotalSeconds;
        if (seconds < 0 || !double.IsFinite(seconds))
        {
            throw new ArgumentException(startedAt is null
                ? $"--duration is {seconds}; it must be 0 or more seconds."
                : $"--started-at {startedAt:O} is in the future; pass the time the pipeline started.");
        }

        session.Get<INbaMetrics>().Publish(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.PipelineDuration, seconds, MetricUnit.Seconds, now, [new("Pipeline", pipeline), new("Status", status)]));
        var delivered = await DeliverAsync(session, cancellationToken).ConfigureAwait(false);
        await Write(session, new { pipeline, status, durationSeconds = seconds, delivered = delivered == ExitCodes.Success, spooled = delivered == ExitCodes.Spooled },
            string.Create(CultureInfo.InvariantCulture, $"PipelineDuration {pipeline} ({status}) = {seconds:0.###} s{Verdict(delivered, " ")}")).ConfigureAwait(false);
        return delivered;
    }

    /// <summary>
    /// Runs the command, then publishes its duration within <paramref name="publishTimeout"/>. The exit code is always the
    /// command's: a publishing problem is one line on stderr.
    /// </summary>
    private async Task<int> TimeAsync(ParseResult parse, string operation, TimeSpan publishTimeout, string[] command)
    {
        try
        {
            MetricValidator.ValidateMetricName(operation + "Duration");
        }
        catch (MetricValidationException ex)
        {
            await error.WriteLineAsync($"nbaobs: --operation: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        var (exitCode, elapsed, startError) = await ChildProcess.RunAsync(command).ConfigureAwait(false);
        if (startError is not null)
        {
            await error.WriteLineAsync($"nbaobs: cannot run '{command[0]}': {startError}").ConfigureAwait(false);
        }

        try
        {
            var settings = new Dictionary<string, string?> { ["ShutdownTimeout"] = publishTimeout.ToString("c", CultureInfo.InvariantCulture) };
            await using var session = Session.Create(parse.GetValue(_config), parse.GetValue(_endpoint), parse.GetValue(_region), json: false, settings, new CliLoggerProvider(TextWriter.Null, verbose: false));
            if (session.SwitchedOff)
            {
                await error.WriteLineAsync($"nbaobs: NbaSim.Observability is switched off ({Observability.Configuration.ObservabilitySwitch.Description}): {operation}Duration was not published.").ConfigureAwait(false);
                return exitCode;
            }

            session.Get<INbaMetrics>()
                .Distribution(NbaMetricNames.Performance, operation + "Duration", MetricUnit.Seconds, default, new MetricDimension("Status", exitCode == 0 ? "success" : "failure"))
                .Record(elapsed.TotalSeconds);
            // One deadline for flush and stop together: --publish-timeout is the whole wait.
            var outcome = await session.DeliverAsync(CancellationToken.None, "--publish-timeout").ConfigureAwait(false);
            await ReportAsync(outcome, ($"{operation}Duration", exitCode)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync($"nbaobs: {operation}Duration was not published: {ex.Message.ReplaceLineEndings(" ")} (the command's exit code {exitCode} is kept).").ConfigureAwait(false);
        }

        return exitCode;
    }

    private async Task<int> CostReportAsync(Session session, CancellationToken cancellationToken)
    {
        var definitions = await session.DefinitionsAsync(cancellationToken).ConfigureAwait(false);
        var inputs = await Cost.CostReportCollector.CollectAsync(
            session.Get<Aws.CostExplorer.ICostExplorerClient>(), session.CloudWatch, session.Get<IS3ObjectLister>(), session.Options, definitions.Alarms, Clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var report = Cost.CostAdvisor.Build(inputs);
        await Write(session, report, report.RenderText()).ConfigureAwait(false);
        return 0;
    }

    private async Task<int> PlanAsync(Session session, bool prune, bool apply, CancellationToken cancellationToken)
    {
        var definitions = await session.DefinitionsAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task<int> ExportAsync(Session session, string outPath)
    {
        var full = Path.GetFullPath(string.IsNullOrWhiteSpace(outPath) ? throw new Input.CliInputException("--out is empty; pass a directory to write the dashboards to.") : outPath);
        if (File.Exists(full))
        {
            throw new Input.CliInputException($"--out {full} is a file; pass a directory to write the dashboards to.");
        }

        var directory = Directory.CreateDirectory(full);
        var context = session.OfflineContext();
        var written = new List<string>();
        foreach (var dashboard in NbaMonitoring.Dashboards(context))
        {
            var target = Path.Combine(directory.FullName, FileName(dashboard.Name));
            await File.WriteAllTextAsync(target, dashboard.RenderBody() + "\n").ConfigureAwait(false);
            written.Add(target);
        }

        await Write(session, written, string.Join(Environment.NewLine, written.Select(w => $"wrote {w}"))).ConfigureAwait(false);
        return 0;
    }

    private async Task<int> PreviewAsync(Session session, string emf, string html)
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

        var page = DashboardPreview.Render(NbaMonitoring.Dashboards(session.OfflineContext()), records, $"{records.Count:N0} metric entries from {Path.GetFileName(emf)}");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, page).ConfigureAwait(false);
        await Write(session, new { html = output, records = records.Count }, $"wrote {output} ({records.Count:N0} metric entries)").ConfigureAwait(false);
        return 0;
    }

    /// <summary>File name of a dashboard under dashboards/: NBA-Simulator-DataCollection → data_collection_dashboard.json.</summary>
    public static string FileName(string dashboardName)
    {
        var name = dashboardName.Replace(NbaMonitoring.DashboardPrefix, string.Empty, StringComparison.Ordinal).Replace('-', '_');
        var snake = string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 && char.IsLower(name[i - 1]) ? "_" + c : c.ToString())).ToLowerInvariant();
        return snake + "_dashboard.json";
    }

    private async Task<int> PublishS3Async(Session session, string? bucket, CancellationToken cancellationToken)
    {
        var terminal = !Console.IsOutputRedirected && !session.Json;
        var progress = new Progress<S3InventoryProgress>(p =>
        {
            if (terminal)
            {
                var bar = new string('█', (int)(p.Objects / 1000 % 30)) + new string('░', 30 - (int)(p.Objects / 1000 % 30));
                output.Write($"\r{p.Bucket} [{bar}] {p.Objects:N0} objects, {p.Bytes / 1073741824.0:F2} GB ");
            }
            else if (!session.Json && p.Objects % 10000 < 1000)
            {
                output.WriteLine($"{p.Bucket}: {p.Objects:N0} objects, {p.Bytes:N0} bytes so far");
            }
        });
        var inventories = await session.Get<IS3InventoryPublisher>().PublishAsync(progress, cancellationToken).ConfigureAwait(false);
        var delivered = await DeliverAsync(session, cancellationToken).ConfigureAwait(false);
        if (terminal)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
        }

        await Write(session, new { buckets = inventories.Select(i => new { i.Bucket, i.Objects, i.Bytes, i.SizeGB }), delivered = delivered == ExitCodes.Success, spooled = delivered == ExitCodes.Spooled }, string.Join(Environment.NewLine, inventories.Select(i => $"{i.Bucket}: {i.Objects:N0} objects, {i.SizeGB:F3} GB{Verdict(delivered, " ")}"))).ConfigureAwait(false);
        return delivered;
    }

    private async Task<int> PublishCostAsync(Session session, CancellationToken cancellationToken)
    {
        var snapshot = await session.Get<ICostPublisher>().PublishAsync(cancellationToken).ConfigureAwait(false);
        var delivered = await DeliverAsync(session, cancellationToken).ConfigureAwait(false);
        await Write(session, new { costs = snapshot, delivered = delivered == ExitCodes.Success, spooled = delivered == ExitCodes.Spooled }, string.Create(CultureInfo.InvariantCulture, $"Month to date ({snapshot.Period.Start:yyyy-MM-dd} to {snapshot.Period.End:yyyy-MM-dd}, exclusive): ${snapshot.MonthToDateUsd:0.00}, {snapshot.BudgetUtilizationPercent:0.##} % of budget{Verdict(delivered, "; ")}")).ConfigureAwait(false);
        return delivered;
    }

    private async Task<int> PublishDimsAsync(Session session, string file, CancellationToken cancellationToken)
    {
        var path = Input.InputFile.Require("--file", file, "pass the DIMS metrics file, e.g. inventory/metrics.yaml.");
        var dims = (DimsPublisher)session.Get<IDimsPublisher>();
        var publication = await dims.PrepareAsync(path, cancellationToken).ConfigureAwait(false);
        var metrics = session.Get<INbaMetrics>();
        foreach (var datum in publication.Datums)
        {
            metrics.Publish(datum);
        }

        var delivered = await DeliverAsync(session, cancellationToken).ConfigureAwait(false);
        if (delivered != ExitCodes.Failed)
        {
            // Delivered or in the spool (the next run sends it): only then is this the baseline, or drift would be lost.
            publication.SaveState();
        }

        await Write(session, new { values = publication.Values, delivered = delivered == ExitCodes.Success, spooled = delivered == ExitCodes.Spooled },
            string.Join(Environment.NewLine, publication.Values.Select(v => $"{v.MetricName} = {v.Value}{(v.Drifted ? $" (drift from {v.Previous})" : string.Empty)}").Append($"DIMS:{Verdict(delivered, " ")}"))).ConfigureAwait(false);
        return delivered;
    }

    private async Task<int> PublishQualityAsync(Session session, long passed, long total, string? dataset, CancellationToken cancellationToken)
    {
        if (total < 0 || passed < 0 || passed > total)
        {
            throw new Input.CliInputException(string.Create(CultureInfo.InvariantCulture, $"--passed {passed} and --total {total}: 0 ≤ --passed ≤ --total is required."));
        }

        var published = session.Get<IDataQualityMetrics>().Report(passed, total, dataset);
        var delivered = await DeliverAsync(session, cancellationToken).ConfigureAwait(false);
        var rate = total == 0 ? (double?)null : 100.0 * passed / total;
        await Write(session, new { passed, total, dataset, rate, published = published && delivered == ExitCodes.Success, spooled = published && delivered == ExitCodes.Spooled }, published ? string.Create(CultureInfo.InvariantCulture, $"ValidationPassRate = {rate:0.##} %{Verdict(delivered, " ")}") : "total is 0: nothing published").ConfigureAwait(false);
        return delivered;
    }

    private async Task<int> AlarmStatusAsync(Session session, CancellationToken cancellationToken)
    {
        var definitions = await session.DefinitionsAsync(cancellationToken).ConfigureAwait(false);
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

    private Task Write(Session session, object json, string text)
        => output.WriteLineAsync(session.Json ? JsonSerializer.Serialize(json, Json) : text);

    /// <summary>What a publishing command's text output ends with: "published", or where its datums are.</summary>
    private static string Verdict(int exitCode, string separator) => exitCode switch
    {
        ExitCodes.Success => separator + "published",
        ExitCodes.Spooled => separator + "kept in the spool, not delivered",
        _ => separator + "not delivered",
    };

    /// <summary>Configuration, services and clients of one command.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly NbaObservabilityOptions _options;
        private readonly AWSCredentials? _credentials;

        private Session(ServiceProvider services, NbaObservabilityOptions options, AWSCredentials? credentials, bool json)
        {
            _services = services;
            _options = options;
            _credentials = credentials;
            Json = json;
            _cloudWatch = new Lazy<CloudWatchClient>(() =>
            {
                var config = Export.CloudWatch.CloudWatchClientFactory.CreateConfig(options.CloudWatch);
                if (string.IsNullOrEmpty(options.CloudWatch.ServiceUrl) && string.IsNullOrEmpty(options.CloudWatch.Region))
                {
                    config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Monitoring.Region);
                }

                return new CloudWatchClient(credentials, config);
            });
            _sns = new Lazy<SnsClient>(() =>
            {
                var config = new SnsClientConfig();
                Configure(config);
                return new SnsClient(credentials, config);
            });
        }

        private readonly Lazy<CloudWatchClient> _cloudWatch;
        private readonly Lazy<SnsClient> _sns;

        public bool Json { get; }

        public NbaObservabilityOptions Options => _options;

        public CloudWatchClient CloudWatch => _cloudWatch.Value;

        public SnsClient Sns => _sns.Value;

        public static Session Create(string? configFile, string? endpoint, string? region, bool json, Dictionary<string, string?> overrides, ILoggerProvider logging)
        {
            var builder = new ConfigurationBuilder();
            if (configFile is not null)
            {
                const string hint = "pass the path of a JSON file with an \"NbaObservability\" section.";
                var bytes = Input.InputFile.ReadAll("--config", configFile, Input.InputFile.MaxConfigBytes, hint);
                if (System.Text.Encoding.UTF8.GetString(bytes).Trim().Trim('\uFEFF').Length == 0)
                {
                    throw new Input.CliInputException($"--config {Path.GetFullPath(configFile)} is empty; {hint}");
                }

                try
                {
                    new ConfigurationBuilder().AddJsonStream(new MemoryStream(bytes)).Build();
                }
                catch (Exception ex) when (ex is FormatException or InvalidDataException or JsonException)
                {
                    var reason = (ex.InnerException ?? ex).Message.ReplaceLineEndings(" ");
                    throw new Input.CliInputException($"--config {Path.GetFullPath(configFile)} is not valid JSON: {reason}", ex);
                }

                builder.AddJsonStream(new MemoryStream(bytes));
            }

            builder.AddEnvironmentVariables();
            var values = new Dictionary<string, string?> { ["Exporter"] = "CloudWatch" };
            if (endpoint is not null)
            {
                values["CloudWatch:ServiceUrl"] = endpoint;
                values["S3Inventory:ServiceUrl"] = endpoint;
                values["Cost:ServiceUrl"] = endpoint;
            }

            if (region is not null)
            {
                values["CloudWatch:Region"] = region;
                values["S3Inventory:Region"] = region;
                values["Monitoring:Region"] = region;
            }

            foreach (var (key, value) in overrides)
            {
                values[key] = value;
            }

            // Command-line values win over the file and the environment.
            var fileAndEnvironment = builder.Build();
            if (region is null && endpoint is null && fileAndEnvironment[$"{NbaObservabilityOptions.SectionName}:CloudWatch:Region"] is null
                && Environment.GetEnvironmentVariable("AWS_REGION") is null && Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is null)
            {
                values["CloudWatch:Region"] = fileAndEnvironment[$"{NbaObservabilityOptions.SectionName}:Monitoring:Region"] ?? "us-east-1";
            }

            var merged = new ConfigurationBuilder()
                .AddConfiguration(fileAndEnvironment)
                .AddInMemoryCollection(values.Where(v => fileAndEnvironment[$"{NbaObservabilityOptions.SectionName}:Exporter"] is null || v.Key != "Exporter").ToDictionary(v => $"{NbaObservabilityOptions.SectionName}:{v.Key}", v => v.Value))
                .Build();

            var services = new ServiceCollection();
            services.AddLogging(l => l.ClearProviders().AddProvider(logging).SetMinimumLevel(LogLevel.Warning));
            services.AddNbaObservability(merged);
            AWSCredentials? credentials = null;
            if (endpoint is not null && Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is null)
            {
                // A local endpoint checks no signature but routes by it: sign with placeholder keys.
                credentials = new BasicAWSCredentials("nbaobs-local", "nbaobs-local");
                services.AddSingleton(credentials);
            }

            var provider = services.BuildServiceProvider();
            NbaObservabilityOptions options;
            try
            {
                options = provider.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
            }
            catch (InvalidOperationException ex)
            {
                // The binder's "Failed to convert configuration value 'abc' at 'NbaObservability:ShutdownTimeout' to type 'System.TimeSpan'".
                provider.Dispose();
                throw new Input.CliInputException(ex.Message.ReplaceLineEndings(" ") + ConfigurationHint, ex);
            }

            var validation = provider.GetRequiredService<IValidateOptions<NbaObservabilityOptions>>().Validate(null, options);
            if (validation.Failed)
            {
                throw new OptionsValidationException(NbaObservabilityOptions.SectionName, typeof(NbaObservabilityOptions), validation.Failures);
            }

            return new Session(provider, options, credentials, json);
        }

        /// <summary>True when <c>NBAOBS_DISABLED=1</c> or <c>Enabled=false</c>: publishing commands record nothing.</summary>
        public bool SwitchedOff => NbaSim.Observability.Configuration.ObservabilitySwitch.IsDisabled(_options);

        /// <summary>A service; publishing ones need the sink (and through it the exporter) to exist first.</summary>
        public T Get<T>()
            where T : notnull
        {
            try
            {
                _services.GetRequiredService<BufferedMetricSink>();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && _options.Spool.Directory is { } spool)
            {
                // The spool is the only file the pipeline opens at start: a file, an unwritable or impossible path.
                throw new Input.CliInputException($"NbaObservability:Spool:Directory {spool} cannot be used as the spool directory: {ex.Message.ReplaceLineEndings(" ")}{ConfigurationHint}", ex);
            }

            return _services.GetRequiredService<T>();
        }

        /// <summary>
        /// Flushes, retrying failed exports with short pauses, then stops the sink: flush and stop together take at most
        /// ShutdownTimeout (<paramref name="timeoutName"/> names it in the reason). Returns where every datum ended.
        /// </summary>
        public async Task<DeliveryOutcome> DeliverAsync(CancellationToken cancellationToken, string timeoutName = "ShutdownTimeout")
        {
            var sink = Get<BufferedMetricSink>();
            var metrics = _services.GetRequiredService<INbaMetrics>();
            var started = TimeProvider.System.GetTimestamp();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.ShutdownTimeout);
            var timedOut = false;
            try
            {
                await sink.ForceFlushAsync(deadline.Token).ConfigureAwait(false);
                var pause = TimeSpan.FromMilliseconds(200);
                while (sink.QueuedDatums > 0)
                {
                    await Task.Delay(pause, deadline.Token).ConfigureAwait(false);
                    pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
                    await sink.ForceFlushAsync(deadline.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // Out of time (or cancelled): what is left is stopped below with what remains of the deadline.
                timedOut = !cancellationToken.IsCancellationRequested;
            }

            // Stop with the time that is left of the same deadline; what is still queued stays in the spool or is counted.
            var left = _options.ShutdownTimeout - TimeProvider.System.GetElapsedTime(started);
            using (var stop = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                await sink.StopAsync(stop.Token).ConfigureAwait(false);
            }

            var diagnostics = metrics.GetDiagnostics();
            var destination = _options.Exporter == MetricExporterKind.CloudWatch
                ? (_options.CloudWatch.ServiceUrl is { } url ? Observability.Internal.Redact.Url(url) : $"CloudWatch ({_options.CloudWatch.Region ?? "default region"})")
                : _options.Emf.AgentEndpoint is { } agent ? Observability.Internal.Redact.Url(agent) : _options.Emf.Path ?? "stdout";
            var reason = Observability.Internal.Redact.ServerText(diagnostics.LastExportError)
                ?? (timedOut ? $"no answer within {timeoutName} {_options.ShutdownTimeout:c}" : "see the warnings above");
            if (timedOut && diagnostics.LastExportError is not null)
            {
                reason = $"no delivery within {timeoutName} {_options.ShutdownTimeout:c}; the last attempt failed with: {reason}";
            }

            return new DeliveryOutcome(diagnostics.DatumsDropped, sink.SpooledDatums, sink.SpoolFilesQuarantined, destination, reason, sink.SpoolDirectory);
        }

        public MonitoringContext OfflineContext()
            => new(_options.Monitoring.Region, _options.Monitoring.AccountId ?? "123456789012", _options.Monitoring.AlertTopicName, _options.Cost.MonthlyBudgetUsd, _options.Monitoring.ProfiledOperations, _options.Monitoring.Bucket)
            {
                TestSuites = _options.Monitoring.TestSuites,
                Pipelines = _options.Monitoring.Pipelines,
                RuntimeNamespace = NbaMonitoring.RuntimeNamespaceOf(_options.Meters),
            };

        public async Task<MonitoringDefinitions> DefinitionsAsync(CancellationToken cancellationToken)
        {
            var account = _options.Monitoring.AccountId;
            if (string.IsNullOrEmpty(account))
            {
                var stsConfig = new StsClientConfig();
                Configure(stsConfig);
                using var sts = new StsClient(_credentials, stsConfig);
                account = (await sts.GetCallerIdentityAsync(cancellationToken).ConfigureAwait(false)).Account
                    ?? throw new InvalidOperationException("STS did not return the account id; set NbaObservability:Monitoring:AccountId.");
            }

            var context = OfflineContext() with { AccountId = account };
            return MonitoringDefinitions.For(context, _options.Monitoring);
        }

        public async ValueTask DisposeAsync()
        {
            if (_cloudWatch.IsValueCreated)
            {
                _cloudWatch.Value.Dispose();
            }

            if (_sns.IsValueCreated)
            {
                _sns.Value.Dispose();
            }

            await _services.DisposeAsync().ConfigureAwait(false);
        }

        private void Configure(Aws.Runtime.AwsServiceConfig config)
        {
            if (!string.IsNullOrEmpty(_options.CloudWatch.ServiceUrl))
            {
                config.ServiceURL = _options.CloudWatch.ServiceUrl;
                config.AuthenticationRegion = _options.Monitoring.Region;
            }
            else
            {
                config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(_options.Monitoring.Region);
            }
        }
    }
}
