using NbaSim.Observability.Aws.CostExplorer;

namespace NbaSim.Observability.Publishers;

/// <summary><see cref="ICostSource"/> on Cost Explorer: GetCostAndUsage (all pages) and GetCostForecast.</summary>
internal sealed class CostExplorerCostSource(ICostExplorerClient client) : ICostSource
{
    private const string Metric = "UnblendedCost";

    public async Task<decimal> GetCostAsync(DateInterval period, CancellationToken cancellationToken = default)
    {
        var results = await client.GetAllCostAndUsageAsync(new GetCostAndUsageRequest { TimePeriod = period }, cancellationToken).ConfigureAwait(false);
        return results.Sum(r => r.Total.TryGetValue(Metric, out var v) ? v.Amount : 0m);
    }

    public async Task<IReadOnlyDictionary<string, decimal>> GetCostByServiceAsync(DateInterval period, CancellationToken cancellationToken = default)
    {
        var results = await client.GetAllCostAndUsageAsync(new GetCostAndUsageRequest { TimePeriod = period, GroupBy = [new GroupDefinition("DIMENSION", "SERVICE")] }, cancellationToken).ConfigureAwait(false);
        var byService = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var group in results.SelectMany(r => r.Groups))
        {
            if (group.Keys.Count > 0 && group.Metrics.TryGetValue(Metric, out var v))
            {
                byService[group.Keys[0]] = byService.GetValueOrDefault(group.Keys[0]) + v.Amount;
            }
        }

        return byService;
    }

    public async Task<decimal> GetForecastAsync(DateInterval period, CancellationToken cancellationToken = default)
        => (await client.GetCostForecastAsync(new GetCostForecastRequest { TimePeriod = period }, cancellationToken).ConfigureAwait(false)).Total?.Amount ?? 0m;
}
