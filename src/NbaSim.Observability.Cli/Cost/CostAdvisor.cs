namespace NbaSim.Observability.Cli.Cost;

/// <summary>What the report is built from, as collected (no AWS here: the advice is a pure function of the data).</summary>
internal sealed record CostInputs
{
    public required DateOnly Today { get; init; }

    public required decimal BudgetUsd { get; init; }

    /// <summary>Per service: this month to date.</summary>
    public required IReadOnlyDictionary<string, decimal> ThisMonth { get; init; }

    /// <summary>Per service: last month.</summary>
    public required IReadOnlyDictionary<string, decimal> LastMonth { get; init; }

    /// <summary>
    /// Per service: last month's first days, as many as this month's month to date holds (all of last month when it is
    /// shorter). Growth is judged against these, so a fee billed on the 1st of both months is no growth.
    /// </summary>
    public IReadOnlyDictionary<string, decimal> LastMonthSameDays { get; init; } = new Dictionary<string, decimal>();

    public decimal? ForecastUsd { get; init; }

    public string? ForecastUnavailableReason { get; init; }

    /// <summary>Our custom metrics: namespace → count.</summary>
    public required IReadOnlyDictionary<string, int> MetricsPerNamespace { get; init; }

    /// <summary>Our alarms: name, anomaly or not, state, since when.</summary>
    public required IReadOnlyList<(string Name, bool Anomaly, string? State, DateTimeOffset? Since)> Alarms { get; init; }

    public required int Dashboards { get; init; }

    /// <summary>Our metrics seen at 1-second resolution: namespace → count.</summary>
    public required IReadOnlyDictionary<string, int> HighResolutionPerNamespace { get; init; }

    /// <summary>The data lake: bucket, objects and bytes in total, and those not written for 30 days; null when not listed.</summary>
    public (string Bucket, long Objects, long Bytes, long OldObjects, long OldBytes)? DataLake { get; init; }

    public int CostExplorerRequests { get; init; }

    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Our series, each once (for the OTel path's estimate, which measures each one's point).</summary>
    public IReadOnlyList<MetricIdentity> Series { get; init; } = [];

    /// <summary>Metric names published as distributions (histograms on the OTel path).</summary>
    public IReadOnlySet<string> DistributionNames { get; init; } = new HashSet<string>();
}

/// <summary>Turns <see cref="CostInputs"/> into the report and its recommendations (see COST_OPTIMIZATION.md for each).</summary>
internal static class CostAdvisor
{
    /// <summary>A service is flagged when its month to date is more than this above the same days of last month.</summary>
    public const double GrowthThreshold = 0.5;

    /// <summary>Services below this last month are too small to flag.</summary>
    public const decimal GrowthFloorUsd = 1m;

    /// <summary>
    /// The pace (and so any growth verdict) needs this many complete days of the month. Cost Explorer's month to date
    /// ends yesterday, so on the 2nd it holds one day: divided by 1/31 of a month, one day's noise reads as a month's
    /// growth. From the 8th on, a week of data stands behind the projection.
    /// </summary>
    public const int MinimumDaysForPace = 7;

    /// <summary>An alarm without data this long is probably watching something that no longer reports.</summary>
    public static readonly TimeSpan InsufficientDataAge = TimeSpan.FromDays(7);

    public static CostReport Build(CostInputs inputs)
    {
        var inv = CultureInfo.InvariantCulture;
        var pace = Pace(inputs.Today);
        var services = inputs.ThisMonth.Keys.Union(inputs.LastMonth.Keys)
            .Select(s => new ServiceCost(s, inputs.ThisMonth.GetValueOrDefault(s), pace is { } p ? Math.Round(inputs.ThisMonth.GetValueOrDefault(s) / p, 2) : null, inputs.LastMonth.GetValueOrDefault(s))
            {
                LastMonthSameDaysUsd = pace is null ? null : inputs.LastMonthSameDays.GetValueOrDefault(s),
            })
            .OrderByDescending(s => s.MonthToDateUsd).ThenBy(s => s.Service, StringComparer.Ordinal)
            .ToList();
        var monthToDate = inputs.ThisMonth.Values.Sum();
        var series = inputs.MetricsPerNamespace.Values.Sum();

        // PutMetricData: each namespace sends ceil(series / 1,000) calls per period (60 s, or 1 s for high resolution).
        var calls = inputs.MetricsPerNamespace.Sum(ns => Math.Ceiling(ns.Value / 1000.0) * (inputs.HighResolutionPerNamespace.GetValueOrDefault(ns.Key) > 0 ? CostPrices.SecondsPerMonth : CostPrices.SecondsPerMonth / 60));
        var highResolution = inputs.MetricsPerNamespace.Keys.Count(ns => inputs.HighResolutionPerNamespace.GetValueOrDefault(ns) > 0);
        var basis = inputs.MetricsPerNamespace.Count == 0
            ? "no metric of this product in CloudWatch yet, so no call"
            : string.Create(inv, $"{inputs.MetricsPerNamespace.Count} namespace(s) listed in CloudWatch, each sending one call per 1,000 series every 60 s ({CostPrices.SecondsPerMonth / 60:N0} periods a month){(highResolution > 0 ? $", every second for the {highResolution} with high-resolution series" : string.Empty)}");
        var product = new ProductCost(series, inputs.Alarms.Count(a => !a.Anomaly), inputs.Alarms.Count(a => a.Anomaly), inputs.Dashboards, calls, basis);
        var otel = OtelPathCost.Estimate(inputs.Series, inputs.HighResolutionPerNamespace, inputs.DistributionNames, product.AlarmsUsd, new DateTimeOffset(inputs.Today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

        var recommendations = new List<Recommendation>();
        if (inputs.ForecastUsd is { } forecast && forecast > inputs.BudgetUsd)
        {
            recommendations.Add(new("forecast-over-budget",
                string.Create(inv, $"the forecast for {inputs.Today:MMMM} is ${forecast:N2}, ${forecast - inputs.BudgetUsd:N2} ({(forecast / inputs.BudgetUsd - 1) * 100:0} %) over the ${inputs.BudgetUsd:N2} budget; start with the services below"),
                forecast - inputs.BudgetUsd));
        }

        // Growth is this month's complete days against the same days of last month: a projection from a share of the
        // month would read a fee billed on the 1st (support, a Savings Plan, hosted zones) as growth until late in the month.
        var days = inputs.Today.Day - 1;
        foreach (var s in services.Where(s => s.LastMonthUsd >= GrowthFloorUsd && s.MonthOverMonth > GrowthThreshold))
        {
            var projected = s.ProjectedUsd!.Value; // a month-over-month figure implies a pace
            recommendations.Add(new("service-growth",
                string.Create(inv, $"{s.Service} cost ${s.MonthToDateUsd:N2} in the first {days} days of {inputs.Today:MMMM} against ${s.LastMonthSameDaysUsd:N2} in the same days of last month (+{s.MonthOverMonth * 100:0} %); on pace for ${projected:N2} against ${s.LastMonthUsd:N2} last month"),
                Math.Max(0, projected - s.LastMonthUsd)));
        }

        if (inputs.DataLake is { OldBytes: > 0 } lake)
        {
            var oldGb = lake.OldBytes / 1_000_000_000m;
            var standard = oldGb * CostPrices.S3StandardGbMonth;
            var glacier = oldGb * CostPrices.S3GlacierInstantGbMonth;
            var tiering = (oldGb * CostPrices.S3IntelligentTieringInfrequentGbMonth) + (lake.OldObjects / 1000m * CostPrices.S3IntelligentTieringMonitoringThousandObjects);
            var (target, cost) = glacier <= tiering ? ("Glacier Instant Retrieval", glacier) : ("Intelligent-Tiering", tiering);
            if (standard - cost >= 0.01m)
            {
                recommendations.Add(new("s3-storage-class",
                    string.Create(inv, $"{oldGb:N2} GB in {lake.OldObjects:N0} objects of s3://{lake.Bucket} were not written for 30+ days: ${standard:N2}/month in Standard, ${cost:N2} in {target} (Intelligent-Tiering ${tiering:N2}; reading it back from Glacier IR costs ${CostPrices.S3GlacierInstantRetrievalGb}/GB)"),
                    Math.Round(standard - cost, 2)));
            }
        }

        var stale = inputs.Alarms.Where(a => a.State == "INSUFFICIENT_DATA" && a.Since is { } since && DateOnly.FromDateTime(since.UtcDateTime) <= inputs.Today.AddDays(-(int)InsufficientDataAge.TotalDays)).ToList();
        if (stale.Count > 0)
        {
            recommendations.Add(new("alarm-insufficient-data",
                string.Create(inv, $"{stale.Count} alarm(s) have had no data for more than {InsufficientDataAge.TotalDays:0} days ({string.Join(", ", stale.Select(a => a.Name))}): fix what should feed them or delete them"),
                stale.Sum(a => a.Anomaly ? CostPrices.AnomalyAlarmMonth : CostPrices.StandardAlarmMonth)));
        }

        foreach (var (ns, count) in inputs.HighResolutionPerNamespace.Where(h => h.Value > 0).OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var perSecond = Math.Ceiling(count / 1000m);
            var saving = Math.Round(perSecond * (CostPrices.SecondsPerMonth - (CostPrices.SecondsPerMonth / 60)) / 1000m * CostPrices.ApiThousandRequests, 2);
            recommendations.Add(new("high-resolution-series",
                string.Create(inv, $"{count} series of {ns} are published at 1-second resolution ({perSecond * CostPrices.SecondsPerMonth:N0} PutMetricData calls a month); at 60 s they would need {perSecond * CostPrices.SecondsPerMonth / 60:N0}"),
                saving));
        }

        // The same series on the OTel path: ingestion per GB instead of per metric and per call (dashboards aside: the OTel
        // path has none of ours yet). Only when the series were listed, so the comparison is of the same set.
        var classicComparable = product.MetricsUsd + product.ApiUsd + product.AlarmsUsd;
        if (inputs.Series.Count > 0 && otel.TotalUsd < classicComparable)
        {
            recommendations.Add(new("otel-path",
                string.Create(inv, $"{product.CustomMetrics} Classic metrics and their PutMetricData calls cost ${product.MetricsUsd + product.ApiUsd:N2}/month; the same {inputs.Series.Count} series as OTel points cost ${otel.IngestionUsd:N2} ({otel.BytesPerMonth / 1_000_000m:N1} MB a month at ${CostPrices.OtelIngestedGb}/GB; rollups are PromQL sums, not series): dual-write (SecondaryExporter = Otlp), move the alarms (nbaobs apply --path otel), then switch Exporter to Otlp"),
                classicComparable - otel.TotalUsd));
        }

        var notes = inputs.Notes;
        if (pace is null)
        {
            var complete = inputs.Today.Day - 1;
            notes = [.. notes, string.Create(inv, $"the pace of each service is withheld until {inputs.Today.AddDays(MinimumDaysForPace - complete):MMMM d}: the month to date holds {complete} complete day(s), and a projection needs {MinimumDaysForPace}")];
        }

        return new CostReport(inputs.Today, monthToDate, inputs.ForecastUsd, inputs.ForecastUnavailableReason, inputs.BudgetUsd, services.Take(5).ToList(), product, recommendations, inputs.CostExplorerRequests, notes) { Otel = otel };
    }

    /// <summary>
    /// The share of the month that Cost Explorer's month to date covers (it ends yesterday), or null before
    /// <see cref="MinimumDaysForPace"/> complete days, when no projection is sound.
    /// </summary>
    internal static decimal? Pace(DateOnly today)
    {
        var complete = today.Day - 1;
        return complete < MinimumDaysForPace ? null : complete / (decimal)DateTime.DaysInMonth(today.Year, today.Month);
    }
}
