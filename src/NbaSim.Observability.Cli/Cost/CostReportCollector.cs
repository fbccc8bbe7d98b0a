using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.CostExplorer;

namespace NbaSim.Observability.Cli.Cost;

/// <summary>
/// Collects what the cost report needs: Cost Explorer (one GetCostAndUsage and one GetCostForecast per report, $0.01
/// each), CloudWatch (our metrics, alarms, dashboards, and which series are at 1-second resolution) and the data lake's
/// listing (sizes and ages).
/// </summary>
internal static class CostReportCollector
{
    private const string Ours = "NBA-Simulator/";

    public static async Task<CostInputs> CollectAsync(
        ICostExplorerClient costExplorer,
        ICloudWatchClient cloudWatch,
        IS3ObjectLister s3,
        NbaObservabilityOptions options,
        IReadOnlyList<MetricAlarmDefinition> alarms,
        DateTimeOffset now,
        IReadOnlyList<string> operations,
        CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var firstOfMonth = new DateOnly(today.Year, today.Month, 1);
        var firstOfLastMonth = firstOfMonth.AddMonths(-1);

        // Cost Explorer, once per operation: both months in one DAILY query grouped by service (daily, so that growth is
        // judged against the same days of last month).
        var usage = await costExplorer.GetCostAndUsageAsync(new GetCostAndUsageRequest
        {
            TimePeriod = new DateInterval(firstOfLastMonth, today),
            Granularity = "DAILY",
            GroupBy = [new GroupDefinition("DIMENSION", "SERVICE")],
        }, cancellationToken).ConfigureAwait(false);
        if (usage.NextPageToken is not null)
        {
            notes.Add("Cost Explorer returned more services than one page; the report uses the first page (one request per operation).");
        }

        var thisMonth = Services(usage.ResultsByTime.Where(r => r.TimePeriod.Start >= firstOfMonth));
        var lastMonth = Services(usage.ResultsByTime.Where(r => r.TimePeriod.Start < firstOfMonth));
        var lastMonthSameDays = Services(usage.ResultsByTime.Where(r => r.TimePeriod.Start < firstOfMonth && r.TimePeriod.Start.Day < today.Day));

        // The rest of the month, today included (month to date above ends yesterday): never an empty period.
        decimal? forecast = null;
        string? forecastProblem = null;
        var requests = 2;
        try
        {
            var rest = await costExplorer.GetCostForecastAsync(new GetCostForecastRequest { TimePeriod = new DateInterval(today, firstOfMonth.AddMonths(1)) }, cancellationToken).ConfigureAwait(false);
            forecast = rest.Total is { } total ? thisMonth.Values.Sum() + total.Amount : null;
            forecastProblem = rest.Total is null ? "Cost Explorer returned no total" : null;
        }
        catch (AwsApiException ex)
        {
            forecastProblem = $"{ex.ErrorCode}: {ex.Message}";
        }

        // Our metrics, by namespace.
        var metrics = new List<MetricIdentity>();
        string? token = null;
        do
        {
            var page = await cloudWatch.ListMetricsAsync(new ListMetricsRequest { NextToken = token }, cancellationToken).ConfigureAwait(false);
            metrics.AddRange(page.Metrics.Where(m => m.Namespace.StartsWith(Ours, StringComparison.Ordinal)));
            token = page.NextToken;
        }
        while (token is not null);

        // A metric is its namespace, name and dimensions (some servers list it once per datum).
        metrics = metrics
            .DistinctBy(m => string.Join('\u001F', new[] { m.Namespace, m.MetricName }.Concat(m.Dimensions.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => d.Name + "=" + d.Value))), StringComparer.Ordinal)
            .ToList();
        var perNamespace = metrics.GroupBy(m => m.Namespace, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        // Our alarms as deployed: state and since when.
        var deployed = new List<MetricAlarm>();
        foreach (var chunk in alarms.Select(a => a.AlarmName).Chunk(100))
        {
            var page = await cloudWatch.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNames = chunk }, cancellationToken).ConfigureAwait(false);
            deployed.AddRange(page.MetricAlarms);
        }

        var alarmStates = deployed.Select(a => (a.Definition.AlarmName, Anomaly: a.Definition.ThresholdMetricId is not null, a.StateValue, a.StateUpdatedTimestamp)).ToList();
        var dashboards = (await cloudWatch.ListDashboardsAsync(new ListDashboardsRequest { DashboardNamePrefix = NbaMonitoring.DashboardPrefix }, cancellationToken).ConfigureAwait(false)).DashboardEntries.Count;

        // What this product publishes as distributions: the profiled operations, the validation pass rate, CI/CD timings.
        var distributions = new HashSet<string>(StringComparer.Ordinal) { NbaMetricNames.ValidationPassRate, NbaMetricNames.TestDuration, NbaMetricNames.TestSuiteDuration, NbaMetricNames.PipelineDuration, "http.client.request.duration" };
        distributions.UnionWith(operations);
        var highResolution = await HighResolutionAsync(cloudWatch, metrics, now, notes, cancellationToken).ConfigureAwait(false);
        var lake = await DataLakeAsync(s3, options.Monitoring.Bucket, now, notes, cancellationToken).ConfigureAwait(false);

        return new CostInputs
        {
            Today = today,
            BudgetUsd = options.Cost.MonthlyBudgetUsd,
            ThisMonth = thisMonth,
            LastMonth = lastMonth,
            LastMonthSameDays = lastMonthSameDays,
            ForecastUsd = forecast,
            ForecastUnavailableReason = forecastProblem,
            MetricsPerNamespace = perNamespace,
            Alarms = alarmStates,
            Dashboards = dashboards,
            HighResolutionPerNamespace = highResolution,
            DataLake = lake,
            CostExplorerRequests = requests,
            Notes = notes,
            Series = metrics,
            DistributionNames = distributions,
        };
    }

    private static Dictionary<string, decimal> Services(IEnumerable<ResultByTime> results)
        => results.SelectMany(r => r.Groups)
            .Where(g => g.Keys.Count > 0 && g.Metrics.ContainsKey("UnblendedCost"))
            .GroupBy(g => g.Keys[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(x => x.Metrics["UnblendedCost"].Amount), StringComparer.Ordinal);

    /// <summary>
    /// A series is at 1-second resolution when the last three hours hold two datapoints of it within one minute
    /// (1-second data is kept for three hours; 60-second data cannot do that). One GetMetricData per 500 series.
    /// </summary>
    private static async Task<Dictionary<string, int>> HighResolutionAsync(ICloudWatchClient cloudWatch, List<MetricIdentity> metrics, DateTimeOffset now, List<string> notes, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            foreach (var chunk in metrics.Chunk(500))
            {
                var queries = chunk.Select((m, i) => new MetricDataQuery { Id = "m" + i.ToString(CultureInfo.InvariantCulture), MetricStat = new MetricStat { Metric = m, Period = 1, Stat = "SampleCount" }, ReturnData = true }).ToList();
                var response = await cloudWatch.GetMetricDataAsync(new GetMetricDataRequest { MetricDataQueries = queries, StartTime = now.AddHours(-3), EndTime = now }, cancellationToken).ConfigureAwait(false);
                foreach (var data in response.MetricDataResults)
                {
                    var index = int.Parse(data.Id.AsSpan(1), CultureInfo.InvariantCulture);
                    var minutes = data.Timestamps.GroupBy(t => t.UtcTicks / TimeSpan.TicksPerMinute);
                    if (minutes.Any(g => g.Count() > 1))
                    {
                        var ns = chunk[index].Namespace;
                        result[ns] = result.GetValueOrDefault(ns) + 1;
                    }
                }
            }
        }
        catch (AwsApiException ex)
        {
            notes.Add($"the resolution of our series could not be read ({ex.ErrorCode}); high-resolution-series was not checked.");
        }

        return result;
    }

    private static async Task<(string, long, long, long, long)?> DataLakeAsync(IS3ObjectLister s3, string bucket, DateTimeOffset now, List<string> notes, CancellationToken cancellationToken)
    {
        long objects = 0, bytes = 0, oldObjects = 0, oldBytes = 0;
        var cutoff = now.AddDays(-30);
        try
        {
            await foreach (var page in s3.ListPagesAsync(bucket, cancellationToken).ConfigureAwait(false))
            {
                foreach (var entry in page)
                {
                    objects++;
                    bytes += entry.Size;
                    if (entry.LastModified is { } modified && modified < cutoff)
                    {
                        oldObjects++;
                        oldBytes += entry.Size;
                    }
                }
            }
        }
        catch (Amazon.S3.AmazonS3Exception ex)
        {
            notes.Add($"s3://{bucket} could not be listed ({ex.ErrorCode}); s3-storage-class was not checked.");
            return null;
        }

        return (bucket, objects, bytes, oldObjects, oldBytes);
    }
}
