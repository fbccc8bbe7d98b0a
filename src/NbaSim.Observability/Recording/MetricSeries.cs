using System.Runtime.CompilerServices;

namespace NbaSim.Observability;

/// <summary>
/// A handle to one metric series (namespace, name, dimensions). Resolve it once and keep it:
/// recording through a held handle takes no lock, does no lookup and allocates nothing.
/// </summary>
public abstract class MetricSeries
{
    private long _rejected;

    /// <summary>Set when the registry is switched off (<c>Enabled=false</c>): recording returns at once.</summary>
    private protected bool _off;

    private protected MetricSeries(string ns, string metricName, MetricUnit unit, MetricDimension[] dimensions, SeriesOptions options, bool isOverflow)
    {
        Namespace = ns;
        MetricName = metricName;
        Unit = unit;
        DimensionArray = dimensions;
        Options = options;
        IsOverflow = isOverflow;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The metric name.</summary>
    public string MetricName { get; }

    /// <summary>The unit.</summary>
    public MetricUnit Unit { get; }

    /// <summary>The dimensions, as declared.</summary>
    public IReadOnlyList<MetricDimension> Dimensions => DimensionArray;

    /// <summary>The options the series was created with.</summary>
    public SeriesOptions Options { get; }

    /// <summary>How this series aggregates.</summary>
    public abstract MetricKind Kind { get; }

    /// <summary>1 for high resolution, 60 otherwise.</summary>
    public int StorageResolution => Options.HighResolution ? 1 : 60;

    /// <summary>True for the series that absorbs samples once the cardinality limit is reached.</summary>
    public bool IsOverflow { get; }

    internal MetricDimension[] DimensionArray { get; }

    /// <summary>The dimensions of this series' rollup (its dimensions without the rolled-up names), or null for none.</summary>
    internal MetricDimension[]? Rollup { get; set; }

    /// <summary>Rejections already logged (touched only by the collector).</summary>
    internal long RejectedReported { get; set; }

    /// <summary>Makes <see cref="Record(double)"/> a no-op from now on (the pipeline is switched off).</summary>
    internal void SwitchOff() => Volatile.Write(ref _off, true);

    /// <summary>Samples rejected so far because they were NaN, infinite or beyond ±2^360.</summary>
    internal long RejectedSamples => Volatile.Read(ref _rejected);

    /// <summary>Records one sample. Never throws: an invalid value (NaN, ±∞, |v| &gt; 2^360) is counted and dropped.</summary>
    public abstract void Record(double value);

    /// <summary>
    /// Moves the period's aggregate into <paramref name="output"/> and resets it. Returns the samples it held.
    /// <paramref name="periodAlreadyPublished"/>: a forced flush already published part of this period, so idle zeros
    /// and callback observations are not repeated for it.
    /// </summary>
    internal abstract long Harvest(DateTimeOffset periodStart, List<MetricDatum> output, List<Aggregation.HistogramBucket> scratch, bool periodAlreadyPublished = false);

    /// <summary>Publishes what an idle period publishes (a zero, for counters with <see cref="SeriesOptions.PublishZeroWhenIdle"/>) for a period the collector skipped.</summary>
    internal virtual void ZeroFill(DateTimeOffset periodStart, List<MetricDatum> output)
    {
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private protected void Reject() => Interlocked.Increment(ref _rejected);

    /// <summary>
    /// Hands the per-thread cells with samples over to the next harvest (harvest thread, see
    /// <see cref="Aggregation.ThreadCells{TCell}"/>): true when some were retired and a barrier must follow before the
    /// harvest. Series without per-thread cells have nothing to retire.
    /// </summary>
    internal virtual bool RetireThreadCells() => false;

    /// <summary>
    /// Detaches the cells a harvest had to leave to threads stalled inside a recording into <paramref name="detached"/>
    /// (harvest thread, after the stop's final harvest, which counts them as not sent). Series without per-thread cells
    /// leave none.
    /// </summary>
    internal virtual void DetachLeftBehind(List<Aggregation.ThreadCell> detached)
    {
    }

    /// <summary>
    /// Every series' first step on the hot path: false when the series is switched off (nothing is recorded) or the value
    /// is not one CloudWatch accepts (NaN, ±∞, out of range: counted as rejected).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private protected bool Accepts(double value)
    {
        if (_off)
        {
            return false;
        }

        if (!MetricValidator.IsValidValue(value))
        {
            Reject();
            return false;
        }

        return true;
    }

    private protected MetricDatum NewDatum(DateTimeOffset timestamp, double? value, StatisticSet? stats, double[]? values, double[]? counts)
        => new(Namespace, MetricName, DimensionArray, Unit, timestamp, StorageResolution, value, stats, values, counts) { Rollup = Rollup, Kind = Kind };

    /// <summary>
    /// Takes (and resets) every stripe's minimum and maximum. A harvest takes them before the counts: a sample writes its
    /// count before its extremes, so extremes taken first belong to samples counted now or by an earlier harvest, never
    /// to a sample a later harvest will count.
    /// </summary>
    private protected static void TakeExtremes(Aggregation.StatisticCell[] cells, out double min, out double max)
    {
        min = double.PositiveInfinity;
        max = double.NegativeInfinity;
        foreach (ref var cell in cells.AsSpan())
        {
            min = Math.Min(min, Interlocked.Exchange(ref cell.Min, double.PositiveInfinity));
            max = Math.Max(max, Interlocked.Exchange(ref cell.Max, double.NegativeInfinity));
        }
    }

    /// <summary>Takes (and resets) every stripe's sum; a harvest takes it after the counts (a sample adds it before its count).</summary>
    private protected static double TakeSum(Aggregation.StatisticCell[] cells)
    {
        double sum = 0;
        foreach (ref var cell in cells.AsSpan())
        {
            sum += Interlocked.Exchange(ref cell.Sum, 0d);
        }

        return sum;
    }

    /// <summary>
    /// Called by a harvest that counted samples but found no extremes (min &gt; max). Either a sample counted a moment
    /// before its minimum and maximum landed is still recording (nanoseconds: a short spin takes them), or a sample saw an
    /// equal extreme already there, skipped writing it, and that extreme went with the previous harvest (then none will
    /// come, and the caller falls back). Spins and yields briefly, never sleeps; false when none landed.
    /// </summary>
    private protected static bool AwaitExtremes(Aggregation.StatisticCell[] cells, ref double min, ref double max)
    {
        var spin = default(SpinWait);
        while (min > max && spin.Count < 30)
        {
            spin.SpinOnce(sleep1Threshold: -1);
            TakeExtremes(cells, out var lateMin, out var lateMax);
            min = Math.Min(min, lateMin);
            max = Math.Max(max, lateMax);
        }

        return min <= max;
    }

    /// <summary>Adds <paramref name="value"/> to <paramref name="target"/> atomically; returns the sum it stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double AddDouble(ref double target, double value)
    {
        var current = Volatile.Read(ref target);
        while (true)
        {
            var next = current + value;
            var observed = Interlocked.CompareExchange(ref target, next, current);
            if (BitConverter.DoubleToInt64Bits(observed) == BitConverter.DoubleToInt64Bits(current))
            {
                return next;
            }

            current = observed;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected static void Min(ref double target, double value)
    {
        var current = Volatile.Read(ref target);
        while (value < current)
        {
            var observed = Interlocked.CompareExchange(ref target, value, current);
            if (BitConverter.DoubleToInt64Bits(observed) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = observed;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected static void Max(ref double target, double value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var observed = Interlocked.CompareExchange(ref target, value, current);
            if (BitConverter.DoubleToInt64Bits(observed) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = observed;
        }
    }
}
