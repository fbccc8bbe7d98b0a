using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability;

/// <summary>A counter: sums increments per period and publishes an exact statistic set (Sum is the total).</summary>
public sealed class CounterSeries : MetricSeries, IThreadCellSink<CounterThreadCell>
{
    /// <summary>A cell per recording thread, written without atomic instructions (a struct: never readonly, never copied).</summary>
    private ThreadCells<CounterThreadCell> _threads = new();

    /// <summary>The extremes the last harvest published (harvest thread only): the fallback when a period's extremes went with it.</summary>
    private double _lastMin = double.NaN;
    private double _lastMax = double.NaN;

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

        // The thread's own cell, plain stores; the harvest takes it over (RecordingThread). The thread's first sample
        // into this series, and threads beyond the cap, go the slow way.
        var slot = RecordingThread.CurrentSlot;
        if ((uint)slot < (uint)RecordingThread.MaxSlots)
        {
            RecordingThread.Enter(slot);
            if (_threads.Active(slot) is { } own)
            {
                own.Record(value);
                RecordingThread.Exit(slot);
                return;
            }

            RecordingThread.Exit(slot);
        }

        RecordSlow(value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordSlow(double value)
    {
        if (_threads.Claim((RecordingThread.Current ?? RecordingThread.Register()).Slot) is not null)
        {
            Record(value);
            return;
        }

        // Over the cap: the striped cells, atomically. The sum first, the count last: the count commits the sample. The
        // harvest takes the count before the sum, so a racing sample's sum can land a harvest before its count but
        // never after it (where a harvest that sees count 0 would leave it behind).
        ref var cell = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cells), Stripes.Current());
        AddDouble(ref cell.Sum, value);
        Interlocked.Increment(ref cell.Count);
        Min(ref cell.Min, value);
        Max(ref cell.Max, value);
    }

    /// <inheritdoc />
    void IThreadCellSink<CounterThreadCell>.Fold(CounterThreadCell cell)
    {
        // Into the first stripe, in a sample's order (sum, count, extremes), so the harvest below treats it as one.
        ref var shared = ref _cells[0];
        AddDouble(ref shared.Sum, cell.Sum);
        Interlocked.Add(ref shared.Count, cell.Count);
        Min(ref shared.Min, cell.Min);
        Max(ref shared.Max, cell.Max);
    }

    internal override bool RetireThreadCells() => _threads.Retire();

    /// <inheritdoc />
    internal override void DetachLeftBehind(List<ThreadCell> detached) => _threads.DetachLeftBehind(detached);

    internal override void ZeroFill(DateTimeOffset periodStart, List<MetricDatum> output)
    {
        if (Options.PublishZeroWhenIdle)
        {
            output.Add(NewDatum(periodStart, 0d, null, null, null));
        }
    }

    internal override long Harvest(DateTimeOffset periodStart, List<MetricDatum> output, List<Aggregation.HistogramBucket> scratch, bool periodAlreadyPublished = false)
    {
        // The extremes, then every stripe's count, then every stripe's sum: the reverse of a sample's order (sum, count,
        // extremes). Extremes taken first belong to samples whose counts are taken next (or were taken by an earlier
        // harvest: then they are stale and an idle period drops them); every counted sample's sum is taken. Only a sample
        // still recording may leave its extremes to the next period or bring its sum one period early. The per-thread
        // cells are folded into the first stripe before, whole (their threads have left them).
        _threads.Harvest(this);
        TakeExtremes(_cells, out var min, out var max);
        long count = 0;
        foreach (ref var cell in _cells.AsSpan())
        {
            count += Interlocked.Exchange(ref cell.Count, 0);
        }

        if (count == 0)
        {
            if (Options.PublishZeroWhenIdle && !periodAlreadyPublished)
            {
                output.Add(NewDatum(periodStart, 0d, null, null, null));
            }

            return 0;
        }

        var sum = TakeSum(_cells);

        // A sample racing the harvest may have bumped the count but not yet min/max: wait briefly. When its extremes went
        // with the previous harvest (it saw an equal one there and skipped writing), repeat that harvest's extremes,
        // values a sample really had; with none, the mean.
        if (min > max && !AwaitExtremes(_cells, ref min, ref max))
        {
            (min, max) = double.IsNaN(_lastMin) ? (sum / count, sum / count) : (_lastMin, _lastMax);
        }

        (_lastMin, _lastMax) = (min, max);
        output.Add(NewDatum(periodStart, null, new StatisticSet(count, sum, min, max), null, null));
        return count;
    }
}
