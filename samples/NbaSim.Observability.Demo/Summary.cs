using System.Globalization;

namespace NbaSim.Observability.Demo;

/// <summary>Prints what the run produced, read back from the EMF file.</summary>
internal static class Summary
{
    public static void Print(IReadOnlyList<EmfRecord> records, ObservabilityDiagnostics diagnostics, TimeSpan elapsed, DemoSettings settings, S3BucketInventory? inventory, CostSnapshot? cost, IReadOnlyList<DimsValue>? dims, bool simulated)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("Operations ([ProfilePerformance], read back from the EMF file)");
        Console.WriteLine($"{"operation",-16} {"calls",12} {"failures",10} {"p50 ms",10} {"p95 ms",10} {"p99 ms",10}");
        // The outcome series (Status=…) only: the rollup without Status holds the same calls a second time.
        foreach (var operation in records.Where(r => r.Namespace == "NBA-Simulator/Performance" && r.Dimensions.Any(d => d.Name == "Status")).GroupBy(r => r.MetricName).OrderBy(g => g.Key))
        {
            var buckets = operation.SelectMany(r => r.Values.Zip(r.Counts)).OrderBy(b => b.First).ToList();
            var calls = buckets.Sum(b => b.Second);
            var failures = operation.Where(r => r.Dimensions.Any(d => d.Name == "Status" && d.Value == "failure")).Sum(r => r.Counts.Sum());
            Console.WriteLine(string.Create(inv,
                $"{operation.Key.Replace("Duration", string.Empty, StringComparison.Ordinal),-16} {calls,12:N0} {failures,10:N0} {Percentile(buckets, calls, 0.50) * 1000,10:F3} {Percentile(buckets, calls, 0.95) * 1000,10:F3} {Percentile(buckets, calls, 0.99) * 1000,10:F3}"));
        }

        Console.WriteLine();
        Console.WriteLine("Publishers");
        var label = simulated ? " (simulated)" : string.Empty;
        if (inventory is not null)
        {
            Console.WriteLine(string.Create(inv, $"  S3 inventory{label,-12} {inventory.Bucket}: {inventory.Objects:N0} objects, {inventory.SizeGB:F2} GB"));
        }

        if (cost is not null)
        {
            Console.WriteLine(string.Create(inv, $"  AWS cost{label,-16} ${cost.MonthToDateUsd:0.00} month to date, {cost.BudgetUtilizationPercent:0.#} % of the budget"));
        }

        if (dims is not null)
        {
            Console.WriteLine(string.Create(inv, $"  DIMS                     {string.Join(", ", dims.Select(d => $"{d.MetricName}={d.Value}"))}"));
        }

        Console.WriteLine();
        Console.WriteLine("Pipeline");
        Console.WriteLine(string.Create(inv, $"  samples recorded                  {diagnostics.SamplesAggregated,14:N0}"));
        Console.WriteLine(string.Create(inv, $"  series                            {diagnostics.LiveSeries,14:N0}"));
        Console.WriteLine(string.Create(inv, $"  datums exported                   {diagnostics.DatumsExported,14:N0}"));
        // What a batch is depends on the exporter: a PutMetricData call, or a write of EMF documents.
        var batches = settings.Exporter == MetricExporterKind.CloudWatch ? "PutMetricData calls (batched)" : "EMF writes (batched)         ";
        Console.WriteLine(string.Create(inv, $"  {batches}     {diagnostics.BatchesExported,14:N0}"));
        Console.WriteLine(string.Create(inv, $"  calls of one-call-per-sample      {diagnostics.SamplesAggregated,14:N0}"));
        Console.WriteLine(string.Create(inv, $"  datums dropped                    {diagnostics.DatumsDropped,14:N0}"));
        Console.WriteLine(string.Create(inv, $"  estimated CloudWatch cost/month   {"$" + diagnostics.EstimatedMonthlyCostUsd.ToString("F2", inv),14}"));
        Console.WriteLine(string.Create(inv, $"  elapsed                           {elapsed.TotalSeconds,13:F1}s"));
        if (records.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"EMF: {Path.GetFullPath(settings.EmfFile)} ({records.Count:N0} metric entries)");
            Console.WriteLine($"Dashboard preview: {Path.GetFullPath(settings.DashboardFile)}");
        }
    }

    private static double Percentile(List<(double First, double Second)> buckets, double total, double p)
    {
        var rank = Math.Ceiling(p * total);
        double cumulative = 0;
        foreach (var (value, count) in buckets)
        {
            cumulative += count;
            if (cumulative >= rank)
            {
                return value;
            }
        }

        return double.NaN;
    }
}
