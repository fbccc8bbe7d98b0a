using System.Globalization;
using NbaSim.Observability.Export.Emf;

namespace NbaSim.Observability.Demo;

/// <summary>Prints what the run produced, read back from the EMF file.</summary>
internal static class Summary
{
    public static void Print(IReadOnlyList<EmfRecord> records, ObservabilityDiagnostics diagnostics, TimeSpan elapsed, string emfFile)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("Operation durations (from the EMF file)");
        Console.WriteLine($"{"metric",-26} {"status",-8} {"samples",12} {"p50 ms",10} {"p95 ms",10} {"p99 ms",10}");
        foreach (var group in records.Where(r => r.Namespace == "NBA-Simulator/Performance")
                     .GroupBy(r => (r.MetricName, Status: r.Dimensions.FirstOrDefault(d => d.Name == "Status").Value ?? "-"))
                     .OrderBy(g => g.Key.MetricName).ThenBy(g => g.Key.Status))
        {
            var buckets = group.SelectMany(r => r.Values.Zip(r.Counts)).OrderBy(b => b.First).ToList();
            var total = buckets.Sum(b => b.Second);
            Console.WriteLine(string.Create(inv,
                $"{group.Key.MetricName,-26} {group.Key.Status,-8} {total,12:N0} {Percentile(buckets, total, 0.50) * 1000,10:F3} {Percentile(buckets, total, 0.95) * 1000,10:F3} {Percentile(buckets, total, 0.99) * 1000,10:F3}"));
        }

        Console.WriteLine();
        Console.WriteLine("Pipeline");
        var naiveCalls = diagnostics.SamplesAggregated;
        Console.WriteLine(string.Create(inv, $"  samples recorded                  {diagnostics.SamplesAggregated,14:N0}"));
        Console.WriteLine(string.Create(inv, $"  series                            {diagnostics.LiveSeries,14:N0}"));
        Console.WriteLine(string.Create(inv, $"  datums exported                   {diagnostics.DatumsExported,14:N0}"));
        Console.WriteLine(string.Create(inv, $"  PutMetricData calls (batched)     {diagnostics.BatchesExported,14:N0}"));
        Console.WriteLine(string.Create(inv, $"  calls of one-call-per-sample      {naiveCalls,14:N0}"));
        Console.WriteLine(string.Create(inv, $"  datums dropped                    {diagnostics.DatumsDropped,14:N0}"));
        Console.WriteLine(string.Create(inv, $"  estimated CloudWatch cost/month   {"$" + diagnostics.EstimatedMonthlyCostUsd.ToString("F2", inv),14}"));
        Console.WriteLine(string.Create(inv, $"  EMF metric entries                {records.Count,14:N0}  ({emfFile})"));
        Console.WriteLine(string.Create(inv, $"  elapsed                           {elapsed.TotalSeconds,13:F1}s"));
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
