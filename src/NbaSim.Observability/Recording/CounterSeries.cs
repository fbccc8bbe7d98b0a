using System.Runtime.CompilerServices;

namespace NbaSim.Observability;

/// <summary>A counter: sums increments per period and publishes an exact statistic set (Sum is the total).</summary>
public sealed class CounterSeries : MetricSeries
{
    private long _count;
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    internal CounterSeries(string ns, string metricName, MetricUnit unit, MetricDimension[] dimensions, SeriesOptions options, bool isOverflow)
        : base(ns, metricName, unit, dimensions, options, isOverflow)
    {
    }

    /// <inheritdoc />
    public override MetricKind Kind => MetricKind.Counter;

    /// <summary>Adds 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment() => Record(1d);

    /// <summary>Adds <paramref name="amount"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double amount) => Record(amount);

    /// <inheritdoc />
    public override void Record(double value)
    {
        if (!Accepts(value))
        {
            return;
        }

        // The sum first, the count last: the count commits the sample. The harvest takes the count before the sum, so a
        // racing sample's sum can land a harvest before its count but never after it (where a harvest that sees count 0
        // would leave it behind).
        AddDouble(ref _sum, value);
        Interlocked.Increment(ref _count);
        Min(ref _min, value);
        Max(ref _max, value);
    }

    internal override void ZeroFill(DateTimeOffset periodStart, List<MetricDatum> output)
    {
        if (Options.PublishZeroWhenIdle)
        {
            output.Add(NewDatum(periodStart, 0d, null, null, null));
        }
    }

    internal override long Harvest(DateTimeOffset periodStart, List<MetricDatum> output, List<Aggregation.HistogramBucket> scratch, bool periodAlreadyPublished = false)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            // A sample racing the last harvest may have left its min/max behind: never report them as this period's.
            // (A sum without its count belongs to a sample still recording: its count comes, and the sum goes with it.)
            Interlocked.Exchange(ref _min, double.PositiveInfinity);
            Interlocked.Exchange(ref _max, double.NegativeInfinity);
            if (Options.PublishZeroWhenIdle && !periodAlreadyPublished)
            {
                output.Add(NewDatum(periodStart, 0d, null, null, null));
            }

            return 0;
        }

        var count = Interlocked.Exchange(ref _count, 0);
        var sum = Interlocked.Exchange(ref _sum, 0d);
        var min = Interlocked.Exchange(ref _min, double.PositiveInfinity);
        var max = Interlocked.Exchange(ref _max, double.NegativeInfinity);
        if (count == 0)
        {
            return 0;
        }

        // A sample racing the reset may have bumped the count but not yet min/max; keep the set consistent.
        if (min > max)
        {
            min = max = count == 0 ? 0 : sum / count;
        }

        output.Add(NewDatum(periodStart, null, new StatisticSet(count, sum, min, max), null, null));
        return count;
    }
}
