using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability;

/// <summary>
/// A distribution (e.g. durations): exact SampleCount/Sum/Minimum/Maximum plus a Values/Counts distribution whose
/// percentiles are within 1 % of the exact ones. Both are published in the same datum.
/// </summary>
public sealed class DistributionSeries : MetricSeries, IThreadCellSink<DistributionThreadCell>
{
    /// <summary>A cell per recording thread, written without atomic instructions (a struct: never readonly, never copied).</summary>
    private ThreadCells<DistributionThreadCell> _threads = new();

    private readonly LogLinearHistogram _histogram = new();

    /// <summary>The extremes the last harvest published (harvest thread only): the fallback when a period's extremes went with it.</summary>
    private double _lastMin = double.NaN;
    private double _lastMax = double.NaN;

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

        // The thread's own cell, plain stores; the harvest takes it over (RecordingThread). The thread's first sample
        // into this series or into a new power of two, and threads beyond the cap, go the slow way.
        var slot = RecordingThread.CurrentSlot;
        if ((uint)slot < (uint)RecordingThread.MaxSlots)
        {
            RecordingThread.Enter(slot);
            if (_threads.Active(slot) is { } own && own.TryRecord(value))
            {
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
        var slot = (RecordingThread.Current ?? RecordingThread.Register()).Slot;
        if (_threads.Claim(slot) is { } own)
        {
            // Allocated outside the recording; if the harvest swapped the cell meanwhile, the new one may need it too.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                own.Allocate(value);
                RecordingThread.Enter(slot);
                own = _threads.Active(slot)!;
                if (own.TryRecord(value))
                {
                    RecordingThread.Exit(slot);
                    return;
                }

                RecordingThread.Exit(slot);
            }
        }

        // Over the cap (or a harvest swapping cells three times in a row): the striped cells, atomically. The bucket
        // counts double as SampleCount. The sum first, the count last (see CounterSeries): the harvest drains the
        // counts before it takes the sum, so a sum is never left behind by a harvest that saw no count.
        var stripe = Stripes.Current();
        ref var cell = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cells), stripe);
        AddDouble(ref cell.Sum, value);
        _histogram.Record(value, stripe);
        Min(ref cell.Min, value);
        Max(ref cell.Max, value);
    }

    /// <inheritdoc />
    void IThreadCellSink<DistributionThreadCell>.Fold(DistributionThreadCell cell)
    {
        // Into the first stripe, in a sample's order (sum, counts, extremes), so the harvest below treats it as samples.
        ref var shared = ref _cells[0];
        AddDouble(ref shared.Sum, cell.Sum);
        cell.MoveTo(_histogram);
        Min(ref shared.Min, cell.Min);
        Max(ref shared.Max, cell.Max);
    }

    internal override bool RetireThreadCells() => _threads.Retire();

    /// <inheritdoc />
    internal override void DetachLeftBehind(List<ThreadCell> detached) => _threads.DetachLeftBehind(detached);

    internal override long Harvest(DateTimeOffset periodStart, List<MetricDatum> output, List<Aggregation.HistogramBucket> scratch, bool periodAlreadyPublished = false)
    {
        _threads.Harvest(this);

        // As CounterSeries: the extremes, then the counts (the buckets), then the sums.
        TakeExtremes(_cells, out var min, out var max);
        scratch.Clear();
        _histogram.Drain(scratch);
        if (scratch.Count == 0)
        {
            // The extremes taken belong to samples an earlier harvest counted: stale, dropped. A sum without its count
            // belongs to a sample still recording: its count comes, and the sum goes with it.
            return 0;
        }

        var sum = TakeSum(_cells);

        if (min > max && !AwaitExtremes(_cells, ref min, ref max))
        {
            // No extreme came (see AwaitExtremes): for the lowest and the highest bucket, the last published extreme
            // when it lies in that bucket (a value a sample really had: usually the one whose write was skipped), else
            // the bucket's representative (within 1/128 of every value in it), always finite.
            min = Pick(scratch[0]);
            max = Pick(scratch[^1]);
        }

        (_lastMin, _lastMax) = (min, max);

        long total = 0;
        foreach (var bucket in scratch)
        {
            total += bucket.Count;
        }

        DistributionSplitter.Split(scratch, new StatisticSet(total, sum, min, max), (stats, values, counts) => output.Add(NewDatum(periodStart, null, stats, values, counts)));
        return total;
    }

    private double Pick(HistogramBucket bucket)
        => bucket.Lower <= _lastMin && _lastMin < bucket.Upper ? _lastMin
            : bucket.Lower <= _lastMax && _lastMax < bucket.Upper ? _lastMax
            : double.IsFinite(bucket.Value) ? bucket.Value
            : bucket.Value > 0 ? bucket.Lower : bucket.Upper;
}
