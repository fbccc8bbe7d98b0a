using System.CommandLine;

namespace NbaSim.Observability.Cli;

/// <content>The CI/CD commands: test results, pipeline runs, timing a command, the cost report.</content>
public sealed partial class NbaObsCommand
{
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
        metrics.Enqueue(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.TestsPassed, report.Passed, MetricUnit.Count, now, dimensions));
        metrics.Enqueue(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.TestsFailed, report.Failed, MetricUnit.Count, now, dimensions));
        metrics.Enqueue(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.TestsSkipped, report.Skipped, MetricUnit.Count, now, dimensions));
        if (report.PassRatePercent is { } rate)
        {
            metrics.Enqueue(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.TestPassRate, rate, MetricUnit.Percent, now, dimensions));
        }

        metrics.Enqueue(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.TestSuiteDuration, report.DurationSeconds, MetricUnit.Seconds, now, dimensions));
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

        session.Get<INbaMetrics>().Enqueue(MetricDatum.CreateValue(NbaMetricNames.CiCd, NbaMetricNames.PipelineDuration, seconds, MetricUnit.Seconds, now, [new("Pipeline", pipeline), new("Status", status)]));
        var delivered = await DeliverAsync(session, cancellationToken).ConfigureAwait(false);
        await Write(session, new { pipeline, status, durationSeconds = seconds, delivered = delivered == ExitCodes.Success, spooled = delivered == ExitCodes.Spooled },
            string.Create(CultureInfo.InvariantCulture, $"PipelineDuration {pipeline} ({status}) = {seconds:0.###} s{Verdict(delivered, " ")}")).ConfigureAwait(false);
        return delivered;
    }

    /// <summary>
    /// The operation <c>nbaobs time</c> names when <c>--operation</c> is left out: the command's file name without its
    /// extension, capitalized, with characters a metric name should not carry dropped (<c>/usr/bin/make</c> → <c>Make</c>).
    /// </summary>
    internal static string OperationOf(string[] command)
    {
        var name = command.Length == 0 ? string.Empty : Path.GetFileNameWithoutExtension(command[0]);
        var kept = new string(name.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.').ToArray());
        return kept.Length == 0 ? "Command" : char.ToUpperInvariant(kept[0]) + kept[1..];
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
            session.Get<NbaSim.Observability.Aws.CostExplorer.ICostExplorerClient>(), session.CloudWatch, session.Get<IS3ObjectLister>(), session.Options, definitions.Alarms, Clock.GetUtcNow(), NbaMonitoring.Operations(definitions.Context).Select(op => op.MetricName).ToList(), cancellationToken).ConfigureAwait(false);
        var report = Cost.CostAdvisor.Build(inputs);
        await Write(session, report, report.RenderText()).ConfigureAwait(false);
        return 0;
    }
}
