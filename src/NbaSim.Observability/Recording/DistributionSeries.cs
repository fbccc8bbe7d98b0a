using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability;

/// <summary>
/// A distribution (e.g. durations): exact SampleCount/Sum/Minimum/Maximum plus a Values/Counts distribution whose
/// percentiles are within 1 % of the exact ones. Both are published in the same datum.
/// </summary>
public sealed class DistributionSeries : MetricSeries
{
    private readonly LogLinearHistogram _histogram = new();
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

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
        // never left behind by a harvest that saw no count.
        AddDouble(ref _sum, value);
        _histogram.Record(value);
        Min(ref _min, value);
        Max(ref _max, value);
    }

    internal override long Harvest(DateTimeOffset periodStart, List<MetricDatum> output, List<Aggregation.HistogramBucket> scratch, bool periodAlreadyPublished = false)
    {
        scratch.Clear();
        _histogram.Drain(scratch);
        if (scratch.Count == 0)
        {
            // See CounterSeries: drop stale extremes of a racing sample; a sum without its count waits for the count.
            Interlocked.Exchange(ref _min, double.PositiveInfinity);
            Interlocked.Exchange(ref _max, double.NegativeInfinity);
            return 0;
        }

        var sum = Interlocked.Exchange(ref _sum, 0d);
        var min = Interlocked.Exchange(ref _min, double.PositiveInfinity);
        var max = Interlocked.Exchange(ref _max, double.NegativeInfinity);
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
