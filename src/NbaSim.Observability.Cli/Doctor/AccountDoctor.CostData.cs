using NbaSim.Observability.Aws.CostExplorer;

namespace NbaSim.Observability.Cli.Doctor;

/// <content>Cost Explorer's newest day, against its documented lag.</content>
internal sealed partial class AccountDoctor
{
    /// <summary>Days of daily cost read (one GetCostAndUsage request, $0.01).</summary>
    public const int CostDays = 7;

    /// <summary>Cost Explorer refreshes at least once every 24 hours, so yesterday may still be missing: two days is within the lag.</summary>
    public const int CostLagDays = 2;

    private async Task CheckCostDataAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(_now.UtcDateTime);
        var request = new GetCostAndUsageRequest { TimePeriod = new DateInterval(today.AddDays(-CostDays), today), Granularity = "DAILY" };
        // One page only: seven daily rows fit in it, and every further page is another $0.01.
        var results = (await inputs.CostExplorer.GetCostAndUsageAsync(request, cancellationToken).ConfigureAwait(false)).ResultsByTime;

        // A day Cost Explorer has processed carries a total (zero on a day without spend); an unprocessed one is empty.
        var newest = results
            .Where(r => r.Total.Count > 0 || r.Groups.Count > 0)
            .Select(r => r.TimePeriod.Start)
            .DefaultIfEmpty()
            .Max();
        const string note = "MonthlyAWSCost and BudgetUtilization follow Cost Explorer, so they trail it by up to a day";
        if (newest == default)
        {
            Add(DoctorFinding.Warn("cost-data", "Cost Explorer", $"no cost data for the last {CostDays} days: Cost Explorer is not enabled, or was enabled less than 24 hours ago", "enable Cost Explorer in the Billing console (data appears within 24 hours); until then the cost metrics stay empty"));
        }
        else if (today.DayNumber - newest.DayNumber > CostLagDays)
        {
            Add(DoctorFinding.Warn("cost-data", "Cost Explorer", $"newest day with cost is {newest:yyyy-MM-dd}, {today.DayNumber - newest.DayNumber} days ago: more than its documented 24-hour lag", "check the account's billing (a paused account, a new payer); the cost metrics repeat the last figure meanwhile"));
        }
        else
        {
            Add(DoctorFinding.Ok("cost-data", "Cost Explorer", $"newest day with cost is {newest:yyyy-MM-dd}, within Cost Explorer's 24-hour lag; {note}"));
        }
    }
}
