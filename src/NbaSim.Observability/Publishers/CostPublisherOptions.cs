using NbaSim.Observability.Configuration.Validators;

namespace NbaSim.Observability;

/// <summary>Settings of the AWS cost publisher (<c>NbaObservability:Cost</c>).</summary>
public sealed class CostPublisherOptions
{
    /// <summary>Monthly budget in USD that BudgetUtilization is measured against. Default 150; 0.01 to 10,000,000.</summary>
    /// <value>The default value is 150.</value>
    public decimal MonthlyBudgetUsd { get; set; } = 150m;

    /// <summary>
    /// Cost Explorer is called at most this often; in between the cached figures are republished. Cost Explorer refreshes
    /// a few times a day and bills $0.01 per request. Default 6 h; 5 min to 7 days.
    /// </summary>
    /// <value>The default value is 6 h.</value>
    [SettingRange("Cost:RefreshInterval", "00:05:00", "7.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Also publish MonthlyAWSCost per service (dimension Service). Default false.</summary>
    /// <value>The default value is false.</value>
    public bool IncludeServiceBreakdown { get; set; }

    /// <summary>Also publish ForecastMonthlyAWSCost, month-to-date plus GetCostForecast to month end. Default false.</summary>
    /// <value>The default value is false.</value>
    public bool IncludeForecast { get; set; }

    /// <summary>Cost Explorer endpoint override (moto, LocalStack). Default: ce.us-east-1.amazonaws.com.</summary>
    /// <value>The default value is ce.us-east-1.amazonaws.com.</value>
    [HttpUrl("Cost:ServiceUrl")]
    public string? ServiceUrl { get; set; }
}
