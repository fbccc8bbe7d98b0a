using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NbaSim.Observability.Aws.CostExplorer;

namespace NbaSim.Observability.Publishers;

/// <summary>Settings of the AWS cost publisher (<c>NbaObservability:Cost</c>).</summary>
public sealed class CostPublisherOptions
{
    /// <summary>Monthly budget in USD that BudgetUtilization is measured against. Default 150; 0.01 to 10,000,000.</summary>
    public decimal MonthlyBudgetUsd { get; set; } = 150m;

    /// <summary>
    /// Cost Explorer is called at most this often; in between the cached figures are republished. Cost Explorer refreshes
    /// a few times a day and bills $0.01 per request. Default 6 h; 5 min to 7 days.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Also publish MonthlyAWSCost per service (dimension Service). Default false.</summary>
    public bool IncludeServiceBreakdown { get; set; }

    /// <summary>Also publish ForecastMonthlyAWSCost, month-to-date plus GetCostForecast to month end. Default false.</summary>
    public bool IncludeForecast { get; set; }

    /// <summary>Cost Explorer endpoint override (moto, LocalStack). Default: ce.us-east-1.amazonaws.com.</summary>
    public string? ServiceUrl { get; set; }
}

/// <summary>The figures one cost run published.</summary>
/// <param name="MonthToDateUsd">Month-to-date unblended cost.</param>
/// <param name="BudgetUtilizationPercent">Share of the budget used.</param>
/// <param name="ForecastUsd">Forecast for the whole month, when asked for.</param>
/// <param name="ByService">Cost per service, when asked for.</param>
/// <param name="FromCache">True when Cost Explorer was not called (the cached figures were younger than RefreshInterval).</param>
/// <param name="Period">The period asked of Cost Explorer.</param>
public sealed record CostSnapshot(decimal MonthToDateUsd, decimal BudgetUtilizationPercent, decimal? ForecastUsd, IReadOnlyDictionary<string, decimal> ByService, bool FromCache, DateInterval Period);

/// <summary>Publishes month-to-date AWS cost and budget utilization (NBA-Simulator/Costs).</summary>
public interface ICostPublisher
{
    /// <summary>Publishes <c>MonthlyAWSCost</c> and <c>BudgetUtilization</c> (and the optional extras), from cache when fresh.</summary>
    Task<CostSnapshot> PublishAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Month-to-date cost from GetCostAndUsage (UnblendedCost, MONTHLY). The period is the first of the current UTC month
/// (inclusive) to tomorrow (exclusive): today's partial costs count, the first of a month is a valid one-day period
/// (Cost Explorer requires Start &lt; End), and on the last day of a month End is the first of the next.
/// </summary>
internal sealed class CostPublisher(
    INbaMetrics metrics,
    ICostExplorerClient costExplorer,
    IOptions<CostPublisherOptions> options,
    TimeProvider time,
    ILogger<CostPublisher>? logger = null) : ICostPublisher, IDisposable
{
    private readonly ILogger _logger = logger ?? NullLogger<CostPublisher>.Instance;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (CostSnapshot Snapshot, DateTimeOffset FetchedAt)? _cache;

    public async Task<CostSnapshot> PublishAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            var settings = options.Value;
            var period = MonthToDate(now);
            CostSnapshot snapshot;
            if (_cache is { } cached && now - cached.FetchedAt < settings.RefreshInterval && cached.Snapshot.Period.Start == period.Start)
            {
                snapshot = cached.Snapshot with { FromCache = true };
            }
            else
            {
                snapshot = await FetchAsync(period, now, settings, cancellationToken).ConfigureAwait(false);
                _cache = (snapshot, now);
            }

            Publish(snapshot, now);
            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>First of the month (inclusive) to tomorrow (exclusive), in UTC, as Cost Explorer's days are.</summary>
    internal static DateInterval MonthToDate(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return new DateInterval(new DateOnly(today.Year, today.Month, 1), today.AddDays(1));
    }

    private async Task<CostSnapshot> FetchAsync(DateInterval period, DateTimeOffset now, CostPublisherOptions settings, CancellationToken cancellationToken)
    {
        var results = await costExplorer.GetAllCostAndUsageAsync(new GetCostAndUsageRequest { TimePeriod = period }, cancellationToken).ConfigureAwait(false);
        var total = results.Sum(r => r.Total.TryGetValue("UnblendedCost", out var v) ? v.Amount : 0m);

        var byService = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (settings.IncludeServiceBreakdown)
        {
            var grouped = await costExplorer.GetAllCostAndUsageAsync(new GetCostAndUsageRequest { TimePeriod = period, GroupBy = [new GroupDefinition("DIMENSION", "SERVICE")] }, cancellationToken).ConfigureAwait(false);
            foreach (var group in grouped.SelectMany(r => r.Groups))
            {
                if (group.Keys.Count > 0 && group.Metrics.TryGetValue("UnblendedCost", out var v))
                {
                    byService[group.Keys[0]] = byService.GetValueOrDefault(group.Keys[0]) + v.Amount;
                }
            }
        }

        decimal? forecast = null;
        var monthEnd = new DateOnly(period.Start.Year, period.Start.Month, 1).AddMonths(1);
        if (settings.IncludeForecast)
        {
            // The forecast covers tomorrow to month end; on the last day there is nothing left to forecast.
            forecast = period.End < monthEnd
                ? total + ((await costExplorer.GetCostForecastAsync(new GetCostForecastRequest { TimePeriod = new DateInterval(period.End, monthEnd) }, cancellationToken).ConfigureAwait(false)).Total?.Amount ?? 0m)
                : total;
        }

        return new CostSnapshot(total, Math.Round(total / settings.MonthlyBudgetUsd * 100m, 4), forecast, byService, FromCache: false, period);
    }

    private void Publish(CostSnapshot snapshot, DateTimeOffset now)
    {
        Send(NbaMetricNames.MonthlyAwsCost, (double)snapshot.MonthToDateUsd, MetricUnit.None, now);
        Send(NbaMetricNames.BudgetUtilization, (double)snapshot.BudgetUtilizationPercent, MetricUnit.Percent, now);
        if (snapshot.ForecastUsd is { } forecast)
        {
            Send(NbaMetricNames.ForecastMonthlyAwsCost, (double)forecast, MetricUnit.None, now);
        }

        foreach (var (service, amount) in snapshot.ByService)
        {
            Send(NbaMetricNames.MonthlyAwsCost, (double)amount, MetricUnit.None, now, new MetricDimension("Service", service));
        }
    }

    private void Send(string name, double value, MetricUnit unit, DateTimeOffset now, params MetricDimension[] dimensions)
    {
        if (!metrics.Publish(MetricDatum.CreateValue(NbaMetricNames.Costs, name, value, unit, now, dimensions, now: now)))
        {
            Internal.Log.CostDatumRefused(_logger, name);
        }
    }
}
