namespace NbaSim.Observability.Cli;

/// <content>The publishing commands: S3 inventory, cost, DIMS, data quality.</content>
public sealed partial class NbaObsCommand
{
    private async Task<int> PublishS3Async(Session session, string? bucket, CancellationToken cancellationToken)
    {
        var terminal = !Console.IsOutputRedirected && !session.Json;
        var progress = new Progress<S3InventoryProgress>(p =>
        {
            if (terminal)
            {
                var bar = new string('█', (int)(p.Objects / 1000 % 30)) + new string('░', 30 - (int)(p.Objects / 1000 % 30));
                output.Write($"\r{p.Bucket} [{bar}] {p.Objects:N0} objects, {p.Bytes / 1073741824.0:F2} GB ");
            }
            else if (!session.Json && p.Objects % 10000 < 1000)
            {
                output.WriteLine($"{p.Bucket}: {p.Objects:N0} objects, {p.Bytes:N0} bytes so far");
            }
        });
        var inventories = await session.Get<IS3InventoryPublisher>().PublishAsync(progress, cancellationToken).ConfigureAwait(false);
        var delivered = await DeliverAsync(session, cancellationToken).ConfigureAwait(false);
        if (terminal)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
        }

        await Write(session, new { buckets = inventories.Select(i => new { i.Bucket, i.Objects, i.Bytes, i.SizeGB }), delivered = delivered == ExitCodes.Success, spooled = delivered == ExitCodes.Spooled }, string.Join(Environment.NewLine, inventories.Select(i => $"{i.Bucket}: {i.Objects:N0} objects, {i.SizeGB:F3} GB{Verdict(delivered, " ")}"))).ConfigureAwait(false);
        return delivered;
    }

    private async Task<int> PublishCostAsync(Session session, CancellationToken cancellationToken)
    {
        var snapshot = await session.Get<ICostPublisher>().PublishAsync(cancellationToken).ConfigureAwait(false);
        var delivered = await DeliverAsync(session, cancellationToken).ConfigureAwait(false);
        await Write(session, new { costs = snapshot, delivered = delivered == ExitCodes.Success, spooled = delivered == ExitCodes.Spooled }, string.Create(CultureInfo.InvariantCulture, $"Month to date ({snapshot.Period.Start:yyyy-MM-dd} to {snapshot.Period.End:yyyy-MM-dd}, exclusive): ${snapshot.MonthToDateUsd:0.00}, {snapshot.BudgetUtilizationPercent:0.##} % of budget{Verdict(delivered, "; ")}")).ConfigureAwait(false);
        return delivered;
    }

    private async Task<int> PublishDimsAsync(Session session, string file, CancellationToken cancellationToken)
    {
        var path = Input.InputFile.Require("--file", file, "pass the DIMS metrics file, e.g. inventory/metrics.yaml.");
        var dims = (DimsPublisher)session.Get<IDimsPublisher>();
        var publication = await dims.PrepareAsync(path, cancellationToken).ConfigureAwait(false);
        var metrics = session.Get<INbaMetrics>();
        foreach (var datum in publication.Datums)
        {
            metrics.Enqueue(datum);
        }

        var delivered = await DeliverAsync(session, cancellationToken).ConfigureAwait(false);
        if (delivered != ExitCodes.Failed)
        {
            // Delivered or in the spool (the next run sends it): only then is this the baseline, or drift would be lost.
            publication.SaveState();
        }

        await Write(session, new { values = publication.Values, delivered = delivered == ExitCodes.Success, spooled = delivered == ExitCodes.Spooled },
            string.Join(Environment.NewLine, publication.Values.Select(v => $"{v.MetricName} = {v.Value}{(v.Drifted ? $" (drift from {v.Previous})" : string.Empty)}").Append($"DIMS:{Verdict(delivered, " ")}"))).ConfigureAwait(false);
        return delivered;
    }

    private async Task<int> PublishQualityAsync(Session session, long passed, long total, string? dataset, CancellationToken cancellationToken)
    {
        if (total < 0 || passed < 0 || passed > total)
        {
            throw new Input.CliInputException(string.Create(CultureInfo.InvariantCulture, $"--passed {passed} and --total {total}: 0 ≤ --passed ≤ --total is required."));
        }

        var published = session.Get<IDataQualityMetrics>().Report(passed, total, dataset);
        var delivered = await DeliverAsync(session, cancellationToken).ConfigureAwait(false);
        var rate = total == 0 ? (double?)null : 100.0 * passed / total;
        await Write(session, new { passed, total, dataset, rate, published = published && delivered == ExitCodes.Success, spooled = published && delivered == ExitCodes.Spooled }, published ? string.Create(CultureInfo.InvariantCulture, $"ValidationPassRate = {rate:0.##} %{Verdict(delivered, " ")}") : "total is 0: nothing published").ConfigureAwait(false);
        return delivered;
    }
}
