namespace NbaSim.Observability;

/// <summary>The figures one cost run published.</summary>
/// <param name="MonthToDateUsd">Month-to-date unblended cost.</param>
/// <param name="BudgetUtilizationPercent">Share of the budget used.</param>
/// <param name="ForecastUsd">Forecast for the whole month, when asked for.</param>
/// <param name="ByService">Cost per service, when asked for.</param>
/// <param name="FromCache">True when Cost Explorer was not called (the cached figures were younger than RefreshInterval).</param>
/// <param name="Period">The period asked of Cost Explorer.</param>
public sealed record CostSnapshot(decimal MonthToDateUsd, decimal BudgetUtilizationPercent, decimal? ForecastUsd, IReadOnlyDictionary<string, decimal> ByService, bool FromCache, DateInterval Period);
