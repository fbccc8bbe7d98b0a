namespace NbaSim.Observability.Cli.Doctor;

/// <summary>
/// <c>nbaobs doctor</c>: the original design's "Common Issues &amp; Solutions", checked against the live account from the
/// application's own configuration. Read-only except the opt-in write probe. Every check ends in findings; an AWS error
/// in one check is that check's <c>fail</c> (naming the missing IAM action on AccessDenied), never the end of the run.
/// </summary>
internal sealed partial class AccountDoctor(DoctorInputs inputs)
{
    /// <summary>The namespace of the write probe's one datum (one custom metric for the hour).</summary>
    public const string ProbeNamespace = "NBA-Simulator/Doctor";

    /// <summary>Shortest <c>--since</c>.</summary>
    public static readonly TimeSpan MinSince = TimeSpan.FromMinutes(10);

    /// <summary>Longest <c>--since</c>: CloudWatch keeps 1-minute data 15 days, and ListMetrics sees two weeks.</summary>
    public static readonly TimeSpan MaxSince = TimeSpan.FromDays(15);

    /// <summary>Pages of ListMetrics read per namespace, and for the near-miss sweep of the account (500 metrics a page).</summary>
    public const int MaxListMetricsPages = 20;

    /// <summary>Queries per GetMetricData call (CloudWatch's limit).</summary>
    public const int MaxQueriesPerCall = 500;

    /// <summary>Pages of one GetMetricData call followed (100,800 datapoints a page).</summary>
    public const int MaxMetricDataPages = 20;

    /// <summary>
    /// Periods asked per query when only presence or the newest period matters: 500 queries × 1,441 datapoints fit in
    /// 8 pages, so no series is cut off by <see cref="MaxMetricDataPages"/> and reported empty by mistake.
    /// </summary>
    public const int MaxPeriodsPerQuery = 1440;

    /// <summary>Pages of DescribeAlarms per 100 names, and of ListSubscriptionsByTopic per topic (100 subscriptions a page).</summary>
    public const int MaxOtherPages = 20;

    private readonly List<DoctorFinding> _findings = [];
    private DateTimeOffset _now;

    /// <summary>Runs every check, in the order an operator would: identity first, because nothing else works without it.</summary>
    public async Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken cancellationToken)
    {
        // Every line reads the same on every machine (dates, decimal separators); the culture flows with this call only.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        _now = inputs.Clock.GetUtcNow();
        var account = await CheckIdentityAsync(cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            Add(DoctorFinding.Fail("doctor", "other checks", "not run: every one needs working credentials and a reachable endpoint", "fix the identity check first"));
            return _findings;
        }

        MonitoringDefinitions definitions;
        IReadOnlyList<ExpectedMetric> expected;
        try
        {
            definitions = inputs.Definitions(account);
            expected = ExpectedMetric.From(definitions);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            Add(DoctorFinding.Fail("doctor", "configuration", $"the dashboards and alarms cannot be built from the configuration: {ex.Message}", "fix NbaObservability:Monitoring (run 'nbaobs plan' to see the same error)"));
            return _findings;
        }

        if (inputs.WriteProbe)
        {
            await Guard("write-probe", ProbeNamespace, "cloudwatch:PutMetricData", WriteProbeAsync, cancellationToken).ConfigureAwait(false);
        }

        await Guard("clock", "local clock", null, CheckClockAsync, cancellationToken).ConfigureAwait(false);
        var listed = new Dictionary<string, List<MetricIdentity>>(StringComparer.Ordinal);
        await Guard("metrics", "namespaces and names", "cloudwatch:ListMetrics", ct => CheckNamesAsync(expected, listed, ct), cancellationToken).ConfigureAwait(false);
        await Guard("freshness", "expected metrics", "cloudwatch:GetMetricData", ct => CheckFreshnessAsync(expected, listed, ct), cancellationToken).ConfigureAwait(false);
        await Guard("alarm", "shipped alarms", "cloudwatch:DescribeAlarms", ct => CheckAlarmsAsync(definitions, ct), cancellationToken).ConfigureAwait(false);
        await Guard("dashboard", "shipped dashboards", "cloudwatch:GetMetricData", ct => CheckDashboardsAsync(definitions, ct), cancellationToken).ConfigureAwait(false);
        await Guard("cost-data", "Cost Explorer", "ce:GetCostAndUsage", CheckCostDataAsync, cancellationToken).ConfigureAwait(false);
        await Guard("delivery", "pipeline", "cloudwatch:GetMetricData", CheckDeliveryAsync, cancellationToken).ConfigureAwait(false);
        return _findings;
    }

    /// <summary>The exit code for <paramref name="findings"/>: 1 when any fails, 3 when any warns, else 0.</summary>
    public static int ExitCode(IEnumerable<DoctorFinding> findings)
    {
        var worst = findings.Select(f => f.Status).DefaultIfEmpty(DoctorStatus.Ok).Max();
        return worst switch
        {
            DoctorStatus.Fail => ExitCodes.Failed,
            DoctorStatus.Warn => ExitCodes.DoctorWarnings,
            _ => ExitCodes.Success,
        };
    }

    /// <summary>Parses <c>--since</c>: <c>90m</c>, <c>24h</c>, <c>7d</c> or a TimeSpan such as <c>1.00:00:00</c>, within <see cref="MinSince"/>..<see cref="MaxSince"/>.</summary>
    /// <exception cref="Input.CliInputException">Not a duration, or out of range.</exception>
    public static TimeSpan ParseSince(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        TimeSpan? value = null;
        if (trimmed.Length is > 1 and <= 12 && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount <= 100_000)
        {
            value = trimmed[^1] switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
        }

        // A bare number would read as days ("10" is 10.00:00:00): only the d.hh:mm:ss form, with its colon, is a TimeSpan here.
        if (value is null && trimmed.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var span))
        {
            value = span;
        }

        if (value is null)
        {
            throw new Input.CliInputException($"--since {Shorten(text)} is not a duration; pass e.g. 90m, 24h or 7d.");
        }

        if (value < MinSince || value > MaxSince)
        {
            throw new Input.CliInputException($"--since {Shorten(text)} is {value:g}; it must be between {MinSince.TotalMinutes:0} minutes and {MaxSince.TotalDays:0} days (CloudWatch keeps 1-minute data 15 days).");
        }

        return value.Value;
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    /// <summary>
    /// Keeps a finding with every part made printable: names, dimension values, ARNs, states and messages come from the
    /// server and the configuration, so control characters (terminal escapes) become '?' and each part is bounded.
    /// </summary>
    private void Add(DoctorFinding finding)
        => _findings.Add(finding with
        {
            Subject = Printable(finding.Subject),
            Detail = Printable(finding.Detail),
            Fix = finding.Fix is null ? null : Printable(finding.Fix),
        });

    private static string Printable(string text) => NbaSim.Observability.Internal.Redact.ServerText(text) ?? string.Empty;

    /// <summary>Runs one check; an error becomes its <c>fail</c> line and the run goes on.</summary>
    private async Task Guard(string check, string subject, string? action, Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        try
        {
            await body(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Add(Failure(check, subject, action, ex));
        }
    }

    /// <summary>A failed call as a finding: AccessDenied names the IAM action, refused credentials say so, anything else its message.</summary>
    internal static DoctorFinding Failure(string check, string subject, string? action, Exception ex)
    {
        if (ex is NbaSim.Observability.Aws.AwsApiException api)
        {
            if (api.ErrorCode is "AccessDenied" or "AccessDeniedException" or "AuthorizationError" or "UnauthorizedOperation" or "UnauthorizedAccess")
            {
                return DoctorFinding.Fail(check, subject, $"AccessDenied: the credentials may not call {action ?? "this action"}", $"allow {action ?? "the action"} in the IAM policy of the role or user the application runs as");
            }

            if (api.IsCredentialError)
            {
                return DoctorFinding.Fail(check, subject, $"{api.ErrorCode}: the credentials were refused ({api.Message})", "check AWS_PROFILE / the instance role, and that the keys are not expired");
            }

            return DoctorFinding.Fail(check, subject, $"{api.ErrorCode}: {api.Message}", "see the error; run again with --verbose for the details");
        }

        if (Chain(ex).Any(e => e is OperationCanceledException or TimeoutException))
        {
            // Not the user's Ctrl+C (that ends the run): the HTTP client gave up waiting for an answer.
            return DoctorFinding.Fail(check, subject, "no answer within the request timeout (NbaObservability:CloudWatch:RequestTimeout, 30 s by default, with its retries)", "the endpoint is slow or unreachable; check it, or raise CloudWatch:RequestTimeout (at most 5 minutes)");
        }

        var message = NbaSim.Observability.Internal.Redact.ServerText(ex.Message.ReplaceLineEndings(" ")) ?? ex.GetType().Name;
        return DoctorFinding.Fail(check, subject, message, "check the endpoint (--endpoint-url, NbaObservability:CloudWatch:ServiceUrl) and the network");
    }

    private static IEnumerable<Exception> Chain(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private async Task<string?> CheckIdentityAsync(CancellationToken cancellationToken)
    {
        try
        {
            var identity = await inputs.CallerIdentity(cancellationToken).ConfigureAwait(false);
            var account = inputs.Options.Monitoring.AccountId is { Length: > 0 } configured ? configured : identity.Account;
            if (string.IsNullOrEmpty(account))
            {
                Add(DoctorFinding.Fail("identity", "sts:GetCallerIdentity", "STS returned no account id", "set NbaObservability:Monitoring:AccountId"));
                return null;
            }

            if (inputs.Options.Monitoring.AccountId is { Length: > 0 } set && identity.Account is { Length: > 0 } actual && set != actual)
            {
                Add(DoctorFinding.Warn("identity", identity.Arn ?? actual, $"the credentials belong to account {actual}, the configuration names {set}", "run with the application's credentials, or fix NbaObservability:Monitoring:AccountId"));
            }
            else
            {
                var probe = inputs.WriteProbe ? string.Empty : "; PutMetricData not probed (--write-probe)";
                Add(DoctorFinding.Ok("identity", identity.Arn ?? account, $"account {account}{probe}"));
            }

            return account;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Add(Failure("identity", "sts:GetCallerIdentity", "sts:GetCallerIdentity", ex));
            return null;
        }
    }

    private async Task WriteProbeAsync(CancellationToken cancellationToken)
    {
        var datum = MetricDatum.CreateValue(ProbeNamespace, "DoctorProbe", 1, MetricUnit.Count, _now, now: _now);
        await inputs.CloudWatch.PutMetricDataAsync(new PutMetricDataRequest(ProbeNamespace, [datum]), cancellationToken).ConfigureAwait(false);
        Add(DoctorFinding.Ok("write-probe", ProbeNamespace, "PutMetricData accepted one datum (DoctorProbe): the credentials may publish"));
    }

    private async Task CheckClockAsync(CancellationToken cancellationToken)
    {
        var sent = inputs.Clock.GetUtcNow();
        var server = await inputs.ServerDate(cancellationToken).ConfigureAwait(false);
        var received = inputs.Clock.GetUtcNow();
        if (server is null)
        {
            Add(DoctorFinding.Warn("clock", "local clock", "CloudWatch's endpoint sent no Date header; the skew was not measured", "make sure the host synchronizes its clock (chrony, systemd-timesyncd)"));
            return;
        }

        // The Date header has whole seconds and was stamped between sending and receiving.
        var skew = SkewOutside(server.Value, sent.AddSeconds(-1), received.AddSeconds(1));
        var text = $"{(skew >= TimeSpan.Zero ? "+" : "-")}{skew.Duration().TotalSeconds:0} s against the endpoint's Date header";
        if (skew.Duration() >= TimeSpan.FromMinutes(5))
        {
            Add(DoctorFinding.Fail("clock", "local clock", $"skewed {text}: signed requests are refused beyond 5 minutes, and datapoints land in the wrong periods", "synchronize the host's clock (chrony, systemd-timesyncd)"));
        }
        else if (skew.Duration() >= TimeSpan.FromSeconds(60))
        {
            Add(DoctorFinding.Warn("clock", "local clock", $"skewed {text}: datapoints are stamped with the local time, so they land in the wrong 1-minute periods", "synchronize the host's clock (chrony, systemd-timesyncd)"));
        }
        else
        {
            Add(DoctorFinding.Ok("clock", "local clock", $"within {Math.Max(1, skew.Duration().TotalSeconds):0} s of the endpoint's Date header"));
        }
    }

    /// <summary>How far the local clock is from <paramref name="server"/>, or zero when it falls inside the local interval.</summary>
    internal static TimeSpan SkewOutside(DateTimeOffset server, DateTimeOffset localStart, DateTimeOffset localEnd)
        => server < localStart ? localStart - server : server > localEnd ? -(server - localEnd) : TimeSpan.Zero;

    /// <summary>Runs queries through GetMetricData in calls of up to 500, following pages; the datapoints by query id.</summary>
    private async Task<Dictionary<string, List<(DateTimeOffset Timestamp, double Value)>>> QueryAsync(IReadOnlyList<MetricDataQuery> queries, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, List<(DateTimeOffset, double)>>(StringComparer.Ordinal);
        foreach (var chunk in queries.Chunk(MaxQueriesPerCall))
        {
            string? token = null;
            var tokens = new HashSet<string>(StringComparer.Ordinal);
            for (var page = 0; page < MaxMetricDataPages; page++)
            {
                var response = await inputs.CloudWatch.GetMetricDataAsync(new GetMetricDataRequest { MetricDataQueries = chunk, StartTime = start, EndTime = end, NextToken = token }, cancellationToken).ConfigureAwait(false);
                foreach (var result in response.MetricDataResults)
                {
                    if (!results.TryGetValue(result.Id, out var points))
                    {
                        results[result.Id] = points = [];
                    }

                    for (var i = 0; i < Math.Min(result.Timestamps.Count, result.Values.Count); i++)
                    {
                        points.Add((result.Timestamps[i], result.Values[i]));
                    }
                }

                token = response.NextToken;
                if (string.IsNullOrEmpty(token) || !tokens.Add(token))
                {
                    break;
                }
            }
        }

        return results;
    }

    /// <summary>How far back a presence query at <paramref name="period"/> looks: <paramref name="window"/>, at most <see cref="MaxPeriodsPerQuery"/> periods.</summary>
    private static TimeSpan Clamp(TimeSpan window, int period) => TimeSpan.FromSeconds(Math.Min(window.TotalSeconds, (double)MaxPeriodsPerQuery * period));

    /// <summary>
    /// Runs presence queries grouped by period, each group from a period boundary <paramref name="window"/> (clamped) back,
    /// so returned timestamps are the periods' own starts; the datapoints by query id.
    /// </summary>
    private async Task<Dictionary<string, List<(DateTimeOffset Timestamp, double Value)>>> QueryByPeriodAsync(IEnumerable<(MetricDataQuery Query, int Period)> queries, TimeSpan window, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, List<(DateTimeOffset Timestamp, double Value)>>(StringComparer.Ordinal);
        foreach (var byPeriod in queries.GroupBy(q => q.Period))
        {
            var start = (_now - Clamp(window, byPeriod.Key)).ToUnixTimeSeconds();
            start -= start % byPeriod.Key;
            foreach (var (id, points) in await QueryAsync(byPeriod.Select(q => q.Query).ToList(), DateTimeOffset.FromUnixTimeSeconds(start), _now, cancellationToken).ConfigureAwait(false))
            {
                data[id] = points;
            }
        }

        return data;
    }

    /// <summary>A query for <paramref name="metric"/>; percentiles are asked as SampleCount, which has data exactly when they do.</summary>
    private static MetricDataQuery Query(string id, MetricIdentity metric, int period, string stat)
        => new() { Id = id, ReturnData = true, MetricStat = new MetricStat { Metric = metric, Period = period, Stat = IsPercentileLike(stat) ? "SampleCount" : stat } };

    private static bool IsPercentileLike(string stat)
        => stat.Length > 1 && (stat[0] is 'p' or 'P' && char.IsDigit(stat[1]) || stat.StartsWith("tm", StringComparison.OrdinalIgnoreCase) || stat.StartsWith("wm", StringComparison.OrdinalIgnoreCase)
            || stat.StartsWith("tc", StringComparison.OrdinalIgnoreCase) || stat.StartsWith("ts", StringComparison.OrdinalIgnoreCase) || stat.StartsWith("pr", StringComparison.OrdinalIgnoreCase));

    private static string Ago(TimeSpan age)
        => age < TimeSpan.FromMinutes(1) ? "just now" : age < TimeSpan.FromHours(2) ? $"{age.TotalMinutes:0} min ago" : age < TimeSpan.FromDays(2) ? $"{age.TotalHours:0} h ago" : $"{age.TotalDays:0} days ago";

    private static string Since(TimeSpan since) => since.TotalDays >= 1 && since.TotalDays % 1 == 0 ? $"{since.TotalDays:0}d" : since.TotalHours % 1 == 0 ? $"{since.TotalHours:0}h" : $"{since.TotalMinutes:0}m";

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Name(MetricIdentity m)
        => m.Dimensions.Count == 0 ? $"{m.Namespace}/{m.MetricName}" : $"{m.Namespace}/{m.MetricName}[{string.Join(",", m.Dimensions.Select(d => $"{d.Name}={d.Value}"))}]";
}
