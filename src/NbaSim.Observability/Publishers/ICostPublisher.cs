namespace NbaSim.Observability;

/// <summary>Publishes month-to-date AWS cost and budget utilization (NBA-Simulator/Costs).</summary>
public interface ICostPublisher
{
    /// <summary>Publishes <c>MonthlyAWSCost</c> and <c>BudgetUtilization</c> (and the optional extras), from cache when fresh.</summary>
    Task<CostSnapshot> PublishAsync(CancellationToken cancellationToken = default);
}
