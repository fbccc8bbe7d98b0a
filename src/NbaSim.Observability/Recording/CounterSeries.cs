using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability;

/// <summary>A counter: sums increments per period and publishes an exact statistic set (Sum is the total).</summary>
public sealed class CounterSeries : MetricSeries
{
    /// <summary>One cell per stripe: threads on different processors add into different cache lines (see <see cref="Stripes"/>).</summary>
    private readonly StatisticCell[] _cells = StatisticCell.NewStripes();

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
        // would leave it behind). A sample's four updates go to one cell, whichever processor the thread is on after.
        ref var cell = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cells), Stripes.Current());
        AddDouble(ref cell.Sum, value);
        Interlocked.Increment(ref cell.Count);
        Min(ref cell.Min, value);
        Max(ref cell.Max, value);
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
        long pending = 0;
        foreach (ref var cell in _cells.AsSpan())
        {
            pending += Volatile.Read(ref cell.Count);
        }

        if (pending == 0)
        {
            // A sample racing the last harvest may have left its min/max behind: never report them as this period's.
            // (A sum without its count belongs to a sample still recording: its count comes, and the sum goes with it.)
            foreach (ref var cell in _cells.AsSpan())
            {
                Interlocked.Exchange(ref cell.Min, double.PositiveInfinity);
                Interlocked.Exchange(ref cell.Max, double.NegativeInfinity);
            }

            if (Options.PublishZeroWhenIdle && !periodAlreadyPublished)
            {
                output.Add(NewDatum(periodStart, 0d, null, null, null));
            }

            return 0;
        }

        // Every stripe's count before any stripe's sum (see Record), then the extremes.
        long count = 0;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (ref var cell in _cells.AsSpan())
        {
            count += Interlocked.Exchange(ref cell.Count, 0);
        }

        foreach (ref var cell in _cells.AsSpan())
        {
            sum += Interlocked.Exchange(ref cell.Sum, 0d);
        }

        foreach (ref var cell in _cells.AsSpan())
        {
            min = Math.Min(min, Interlocked.Exchange(ref cell.Min, double.PositiveInfinity));
            max = Math.Max(max, Interlocked.Exchange(ref cell.Max, double.NegativeInfinity));
        }

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
