using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability;

/// <summary>
/// A distribution (e.g. durations): exact SampleCount/Sum/Minimum/Maximum plus a Values/Counts distribution whose
/// percentiles are within 1 % of the exact ones. Both are published in the same datum.
/// </summary>
public sealed class DistributionSeries : MetricSeries
{
    private readonly LogLinearHistogram _histogram = new();

    /// <summary>Sum, minimum and maximum, one cell per stripe (see <see cref="Stripes"/>); the counts are the buckets'.</summary>
    private readonly StatisticCell[] _cells = StatisticCell.NewStripes();

    internal DistributionSeries(string ns, string metricName, MetricUnit unit, MetricDimension[] dimensions, SeriesOptions options, bool isOverflow)
        : base(ns, metricName, unit, dimensions, options, isOverflow)
    {
    }

    /// <inheritdoc />
    public override MetricKind Kind => MetricKind.Distribution;

    /// <inheritdoc />
    public override void Record(double value)
    {
        if (!Accepts(value))
        {
            return;
        }

        // The bucket counts double as SampleCount, so a sample costs one increment, one add and two compares. The sum
        // first, the count last (see CounterSeries): the harvest drains the counts before it takes the sum, so a sum is
        // never left behind by a harvest that saw no count. All of a sample's updates go to the stripe picked here.
        var stripe = Stripes.Current();
        ref var cell = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cells), stripe);
        AddDouble(ref cell.Sum, value);
        _histogram.Record(value, stripe);
        Min(ref cell.Min, value);
        Max(ref cell.Max, value);
    }

    internal override long Harvest(DateTimeOffset periodStart, List<MetricDatum> output, List<Aggregation.HistogramBucket> scratch, bool periodAlreadyPublished = false)
    {
        scratch.Clear();
        _histogram.Drain(scratch);
        if (scratch.Count == 0)
        {
            // See CounterSeries: drop stale extremes of a racing sample; a sum without its count waits for the count.
            foreach (ref var cell in _cells.AsSpan())
            {
                Interlocked.Exchange(ref cell.Min, double.PositiveInfinity);
                Interlocked.Exchange(ref cell.Max, double.NegativeInfinity);
            }

            return 0;
        }

        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (ref var cell in _cells.AsSpan())
        {
            sum += Interlocked.Exchange(ref cell.Sum, 0d);
        }

        foreach (ref var cell in _cells.AsSpan())
        {
            min = Math.Min(min, Interlocked.Exchange(ref cell.Min, double.PositiveInfinity));
            max = Math.Max(max, Interlocked.Exchange(ref cell.Max, double.NegativeInfinity));
        }
        if (min > max)
        {
            // Only possible when a concurrent sample was counted before its min/max landed.
            min = scratch[0].Value;
            max = scratch[^1].Value;
        }

        long total = 0;
        foreach (var bucket in scratch)
        {
            total += bucket.Count;
        }

        DistributionSplitter.Split(scratch, new StatisticSet(total, sum, min, max), (stats, values, counts) => output.Add(NewDatum(periodStart, null, stats, values, counts)));
        return total;
    }
}
