using System.CommandLine;

namespace NbaSim.Observability.Cli;

/// <summary>
/// The <c>nbaobs</c> command line. Exit codes (<see cref="ExitCodes"/>): 0 delivered, 1 the run failed, 2 the input is
/// wrong and nothing was published, 3 kept in the spool and not delivered; <c>time</c> exits with its command's code.
/// </summary>
public sealed partial class NbaObsCommand(TextWriter output, TextWriter error)
{
    /// <summary>Every <c>--output json</c>: camelCase keys, enums as their names (README, "JSON output").</summary>
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private readonly Option<string?> _endpoint = new("--endpoint-url") { Description = "Send every AWS call to this endpoint (moto, LocalStack).", Recursive = true };
    private readonly Option<string?> _region = new("--region") { Description = "AWS region (default: configuration, then us-east-1).", Recursive = true };
    private readonly Option<string?> _config = new("--config") { Description = "JSON configuration file with an NbaObservability section.", Recursive = true };
    private readonly Option<string> _output = new("--output") { Description = "text or json.", Recursive = true, DefaultValueFactory = _ => "text" };
    private readonly Option<bool> _verbose = new("--verbose") { Description = "Show stack traces on errors.", Recursive = true };
    private readonly Option<string?> _assembly = new("--assembly")
    {
        Description = "Your app's built assembly (e.g. bin/Release/net10.0/MyApp.dll): dashboards and alarms follow its [ProfilePerformance] operations, dimensions included, besides Monitoring:ProfiledOperations.",
        Recursive = true,
    };

    /// <summary>The clock every command reads "now" and "today" from (tests set a fixed one).</summary>
    internal TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Parses and runs <paramref name="args"/>.</summary>
    public async Task<int> RunAsync(string[] args)
    {
        _output.AcceptOnlyFromAmong("text", "json");
        var root = new RootCommand("nbaobs: monitoring as code and metric publishing for the NBA simulator.");
        foreach (var option in new Option[] { _endpoint, _region, _config, _assembly, _output, _verbose })
        {
            root.Options.Add(option);
        }

        var prune = new Option<bool>("--prune") { Description = "Also delete our dashboards and alarms that are no longer defined." };
        var path = PathOption();
        var plan = new Command("plan", "Show what apply would change.") { prune, path };
        plan.SetAction((p, ct) => Run(p, ct, s => PlanAsync(s, p.GetValue(prune), apply: false, p.GetValue(path)!, ct)));
        var pruneApply = new Option<bool>("--prune") { Description = "Also delete our dashboards and alarms that are no longer defined." };
        var pathApply = PathOption();
        var apply = new Command("apply", "Create or update the dashboards, alarms and alert topic that differ.") { pruneApply, pathApply };
        apply.SetAction((p, ct) => Run(p, ct, s => PlanAsync(s, p.GetValue(pruneApply), apply: true, p.GetValue(pathApply)!, ct)));

        var outDir = new Option<string>("--out") { Description = "Directory to write the dashboard JSON files to.", Required = true };
        var pathExport = PathOption();
        var export = new Command("export", "Write the rendered dashboard bodies.") { outDir, pathExport };
        export.SetAction((p, ct) => Run(p, ct, s => ExportAsync(s, p.GetValue(outDir)!, p.GetValue(pathExport)!)));
        var emf = new Option<string>("--emf") { Description = "EMF file recorded by the exporter (one JSON document per line).", Required = true };
        var html = new Option<string>("--out") { Description = "HTML file to write.", Required = true };
        var pathPreview = PathOption();
        var preview = new Command("preview", "Render the dashboards against recorded EMF data into one self-contained HTML file.") { emf, html, pathPreview };
        preview.SetAction((p, ct) => Run(p, ct, s => PreviewAsync(s, p.GetValue(emf)!, p.GetValue(html)!, p.GetValue(pathPreview)!)));
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

        var operation = new Option<string?>("--operation") { Description = "Operation name: publishes <NAME>Duration to NBA-Simulator/Performance. Default: the command's file name, capitalized (sleep → SleepDuration)." };
        var publishTimeout = new Option<TimeSpan>("--publish-timeout") { Description = "Longest wait for publishing after the command ends (default 00:00:05).", DefaultValueFactory = _ => TimeSpan.FromSeconds(5) };
        var commandLine = new Argument<string[]>("command") { Description = "The command and its arguments, after --.", Arity = ArgumentArity.OneOrMore };
        var time = new Command("time", "Run a command, exit with its exit code, and publish its duration as [ProfilePerformance] does.") { operation, publishTimeout, commandLine };
        time.SetAction((p, ct) => TimeAsync(p, p.GetValue(operation) ?? OperationOf(p.GetValue(commandLine)!), p.GetValue(publishTimeout), p.GetValue(commandLine)!));

        var pathStatus = PathOption();
        var status = new Command("status", "State of our alarms.") { pathStatus };
        status.SetAction((p, ct) => Run(p, ct, s => AlarmStatusAsync(s, p.GetValue(pathStatus)!, ct)));
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
        root.Subcommands.Add(DoctorCommand());
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

    /// <summary>Where the operations read from <c>--assembly</c> start in the list, after any configured ones.</summary>
    private const int AssemblyOperationsIndex = 100_000;

    private async Task<int> Run(ParseResult parse, CancellationToken cancellationToken, Func<Session, Task<int>> body, Action<Dictionary<string, string?>>? overrides = null)
    {
        try
        {
            var settings = new Dictionary<string, string?>();
            overrides?.Invoke(settings);
            if (parse.GetValue(_assembly) is { } assembly)
            {
                // After the configured ones (lists are ordered by index), so both count; each operation once.
                var operations = MonitoringAsCode.ProfiledOperationReader.Read(assembly);
                for (var i = 0; i < operations.Count; i++)
                {
                    settings[$"Monitoring:ProfiledOperations:{AssemblyOperationsIndex + i}"] = operations[i].ToString();
                }
            }

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

    private static Option<string> PathOption()
    {
        var path = new Option<string>("--path")
        {
            Description = "classic (metric alarms, anomaly detectors, dashboards), otel (PromQL alarms and dashboards over OTLP metrics), or both while dual-writing.",
            DefaultValueFactory = _ => "classic",
        };
        path.AcceptOnlyFromAmong("classic", "otel", "both");
        return path;
    }
}
