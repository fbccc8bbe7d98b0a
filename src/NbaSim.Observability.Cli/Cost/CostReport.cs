namespace NbaSim.Observability.Cli.Cost;

/// <summary>
/// A service's cost this month (to date, and on its current pace) against last month. The pace is null in the first
/// days of a month (see <see cref="CostAdvisor.MinimumDaysForPace"/>).
/// </summary>
internal sealed record ServiceCost(string Service, decimal MonthToDateUsd, decimal? ProjectedUsd, decimal LastMonthUsd)
{
    /// <summary>Last month's cost over as many first days as the month to date holds; null while the pace is withheld.</summary>
    public decimal? LastMonthSameDaysUsd { get; init; }

    /// <summary>
    /// The month to date against the same days of last month, as a fraction (0.5 is +50 %); null without those days'
    /// cost or while the pace is withheld.
    /// </summary>
    public double? MonthOverMonth => LastMonthSameDaysUsd is > 0 and { } same && ProjectedUsd is not null ? (double)((MonthToDateUsd / same) - 1) : null;
}

/// <summary>What this product itself costs in CloudWatch, per month.</summary>
internal sealed record ProductCost(int CustomMetrics, int StandardAlarms, int AnomalyAlarms, int Dashboards, double PutMetricDataCallsPerMonth, string PutMetricDataBasis)
{
    public decimal MetricsUsd => CustomMetrics * CostPrices.MetricMonth;

    public decimal AlarmsUsd => (StandardAlarms * CostPrices.StandardAlarmMonth) + (AnomalyAlarms * CostPrices.AnomalyAlarmMonth);

    public decimal DashboardsUsd => Math.Max(0, Dashboards - CostPrices.FreeDashboards) * CostPrices.DashboardMonth;

    public decimal ApiUsd => Math.Round((decimal)PutMetricDataCallsPerMonth / 1000m * CostPrices.ApiThousandRequests, 2);

    public decimal TotalUsd => MetricsUsd + AlarmsUsd + DashboardsUsd + ApiUsd;
}

/// <summary>One piece of advice: a stable id, a reason taken from the data, and what it would save a month.</summary>
internal sealed record Recommendation(string Id, string Reason, decimal EstimatedMonthlySavingUsd);

/// <summary>The cost report: Cost Explorer's view, this product's own CloudWatch bill, and the recommendations.</summary>
internal sealed record CostReport(
    DateOnly Today,
    decimal MonthToDateUsd,
    decimal? ForecastUsd,
    string? ForecastUnavailableReason,
    decimal BudgetUsd,
    IReadOnlyList<ServiceCost> TopServices,
    ProductCost Product,
    IReadOnlyList<Recommendation> Recommendations,
    int CostExplorerRequests,
    IReadOnlyList<string> Notes)
{
    public double BudgetUtilizationPercent => BudgetUsd == 0 ? 0 : (double)(MonthToDateUsd / BudgetUsd * 100);

    public decimal CostExplorerUsd => CostExplorerRequests * CostPrices.CostExplorerRequest;

    /// <summary>The same series on CloudWatch's OTel path; null when not estimated.</summary>
    public OtelPathCost? Otel { get; init; }

    public string RenderText()
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(inv, $"AWS cost, {Today:MMMM yyyy}"),
            string.Create(inv, $"  month to date            ${MonthToDateUsd,10:N2}"),
            ForecastUsd is { } forecast
                ? string.Create(inv, $"  forecast to month end    ${forecast,10:N2}")
                : $"  forecast to month end    forecast unavailable ({ForecastUnavailableReason})",
            string.Create(inv, $"  budget                   ${BudgetUsd,10:N2}  ({BudgetUtilizationPercent:0.#} % used)"),
            string.Empty,
            TopServices.Count == 0
                ? "Top services: none; Cost Explorer reports no cost by service for this month or the last."
                : "Top services (month to date, on pace, last month)",
        };
        lines.AddRange(TopServices.Select(s => string.Create(inv,
            $"  {s.Service,-40} ${s.MonthToDateUsd,9:N2}  {(s.ProjectedUsd is { } p ? $"${p,9:N2}" : "  (too early)"),10}  ${s.LastMonthUsd,9:N2}  {(s.MonthOverMonth is { } m ? $"{m * 100:+0;-0} %" : s.ProjectedUsd is null ? string.Empty : "new")}")));
        lines.Add(string.Empty);
        lines.Add("This product in CloudWatch (per month)");
        lines.Add(string.Create(inv, $"  custom metrics           {Product.CustomMetrics,6}  ${Product.MetricsUsd,8:N2}"));
        lines.Add(string.Create(inv, $"  alarms                   {Product.StandardAlarms,6} standard, {Product.AnomalyAlarms} anomaly  ${Product.AlarmsUsd,8:N2}"));
        lines.Add(string.Create(inv, $"  dashboards               {Product.Dashboards,6} ({CostPrices.FreeDashboards} free)  ${Product.DashboardsUsd,8:N2}"));
        lines.Add(string.Create(inv, $"  PutMetricData (estimate) {Product.PutMetricDataCallsPerMonth,6:N0} calls  ${Product.ApiUsd,8:N2}"));
        lines.Add($"    basis: {Product.PutMetricDataBasis}");
        lines.Add(string.Create(inv, $"  total                                  ${Product.TotalUsd,8:N2}"));
        if (Otel is { } otel)
        {
            lines.Add(string.Empty);
            lines.Add("The same series on the OTel path (OTLP, PromQL; per month)");
            lines.Add(string.Create(inv, $"  points ingested          {otel.PointsPerMonth,14:N0}  {otel.BytesPerMonth / 1_000_000m,10:N1} MB  ${otel.IngestionUsd,8:N2}"));
            lines.Add($"    basis: {otel.Basis}");
            lines.Add(string.Create(inv, $"  alarms (as on Classic)                 ${otel.AlarmsUsd,8:N2}"));
            lines.Add(string.Create(inv, $"  total (no per-metric, no per-call)     ${otel.TotalUsd,8:N2}"));
        }
        lines.Add(string.Empty);
        lines.Add(Recommendations.Count == 0 ? "Recommendations: none; the data calls for no change." : "Recommendations");
        lines.AddRange(Recommendations.Select(r => string.Create(inv, $"  [{r.Id}] save ~${r.EstimatedMonthlySavingUsd:N2}/month: {r.Reason}")));
        lines.AddRange(Notes.Select(n => "  note: " + n));
        lines.Add(string.Empty);
        lines.Add(string.Create(inv, $"Cost Explorer requests made: {CostExplorerRequests} (${CostExplorerUsd:0.00} at ${CostPrices.CostExplorerRequest} each)"));
        return string.Join(Environment.NewLine, lines);
    }
}
