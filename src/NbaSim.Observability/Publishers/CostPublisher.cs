using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace NbaSim.Observability.Publishers;
/// <summary>
/// Month-to-date cost from GetCostAndUsage (UnblendedCost, MONTHLY). The period is the first of the current UTC month
/// (inclusive) to tomorrow (exclusive): today's partial costs count, the first of a month is a valid one-day period
/// (Cost Explorer requires Start &lt; End), and on the last day of a month End is the first of the next.
/// </summary>
internal sealed class CostPublisher(
    INbaMetrics metrics,
    ICostSource costs,
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
        var total = await costs.GetCostAsync(period, cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<string, decimal> byService = settings.IncludeServiceBreakdown
            ? await costs.GetCostByServiceAsync(period, cancellationToken).ConfigureAwait(false)
            : new Dictionary<string, decimal>(StringComparer.Ordinal);

        decimal? forecast = null;
        var monthEnd = new DateOnly(period.Start.Year, period.Start.Month, 1).AddMonths(1);
        if (settings.IncludeForecast)
        {
            // The forecast covers tomorrow to month end; on the last day there is nothing left to forecast.
            forecast = period.End < monthEnd
                ? total + await costs.GetForecastAsync(new DateInterval(period.End, monthEnd), cancellationToken).ConfigureAwait(false)
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
        if (!metrics.Enqueue(MetricDatum.CreateValue(NbaMetricNames.Costs, name, value, unit, now, dimensions, now: now)))
        {
            Internal.Log.CostDatumRefused(_logger, name);
        }
    }
}
