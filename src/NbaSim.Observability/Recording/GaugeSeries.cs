namespace NbaSim.Observability;

/// <summary>A gauge: keeps the last value recorded in a period and publishes it as a single value.</summary>
public sealed class GaugeSeries : MetricSeries
{
    private readonly Func<double?>? _observe;
    private long _lastBits;
    private int _hasValue;
    private long _observeFailures;

    internal GaugeSeries(string ns, string metricName, MetricUnit unit, MetricDimension[] dimensions, SeriesOptions options, bool isOverflow, Func<double?>? observe = null)
        : base(ns, metricName, unit, dimensions, options, isOverflow)
    {
        _observe = observe;
    }

    /// <inheritdoc />
    public override MetricKind Kind => MetricKind.Gauge;

    /// <summary>True when the value is read from a callback at the end of each period.</summary>
    public bool IsObservable => _observe is not null;

    internal long ObserveFailures => Volatile.Read(ref _observeFailures);

    internal long ObserveFailuresReported { get; set; }

    /// <summary>Sets the current value.</summary>
    public override void Record(double value)
    {
        if (!MetricValidator.IsValidValue(value))
        {
            Reject();
            return;
        }

        Volatile.Write(ref _lastBits, BitConverter.DoubleToInt64Bits(value));
        Volatile.Write(ref _hasValue, 1);
    }

    internal override long Harvest(DateTimeOffset periodStart, List<MetricDatum> output, List<Aggregation.HistogramBucket> scratch, bool periodAlreadyPublished = false)
    {
        if (_observe is not null && !periodAlreadyPublished)
        {
            try
            {
                // A callback may answer null: "no value this period" (e.g. a success rate when nothing finished).
                if (_observe() is { } value)
                {
                    Record(value);
                }
            }
            catch (Exception)
            {
                // A failing callback must not stop the other series from being published.
                Interlocked.Increment(ref _observeFailures);
            }
        }

        if (Interlocked.Exchange(ref _hasValue, 0) == 0)
        {
            return 0;
        }

        output.Add(NewDatum(periodStart, BitConverter.Int64BitsToDouble(Volatile.Read(ref _lastBits)), null, null, null));
        return 1;
    }
}
