namespace NbaSim.Observability;

/// <summary>
/// Where the cost publisher's figures come from. The default reads AWS Cost Explorer (UnblendedCost); register
/// another implementation (before <c>AddNbaPublishers</c>, or after it: the last registration wins) to read a different
/// billing source or to simulate one.
/// </summary>
public interface ICostSource
{
    /// <summary>Total unblended cost in US dollars of <paramref name="period"/> (End exclusive).</summary>
    Task<decimal> GetCostAsync(DateInterval period, CancellationToken cancellationToken = default);

    /// <summary>Unblended cost in US dollars of <paramref name="period"/> per AWS service name.</summary>
    Task<IReadOnlyDictionary<string, decimal>> GetCostByServiceAsync(DateInterval period, CancellationToken cancellationToken = default);

    /// <summary>Forecast unblended cost in US dollars of <paramref name="period"/> (a period that starts today or later).</summary>
    Task<decimal> GetForecastAsync(DateInterval period, CancellationToken cancellationToken = default);
}
