namespace NbaSim.Observability;

/// <summary>A gauge: keeps the last value recorded in a period and publishes it as a single value.</summary>
public sealed class GaugeSeries : MetricSeries
{
    private readonly Func<double?>? _observe;
    private long _lastBits;
    private int _hasValue;
    private long _observeFailures;
    private long _observeTimeouts;
    private Task<double?>? _running;

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

    /// <summary>How long the collector waits for the callback (set by the registry from its options).</summary>
    internal TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Times the callback overran <see cref="CallbackTimeout"/> (or was still running from an earlier period).</summary>
    internal long ObserveTimeouts => Volatile.Read(ref _observeTimeouts);

    internal long ObserveTimeoutsReported { get; set; }

    /// <summary>Sets the current value.</summary>
    public override void Record(double value)
    {
        if (!Accepts(value))
        {
            return;
        }

        Volatile.Write(ref _lastBits, BitConverter.DoubleToInt64Bits(value));
        Volatile.Write(ref _hasValue, 1);
    }

    /// <summary>
    /// Adds <paramref name="delta"/> to the current value in one atomic step (an up-down counter's running total), so
    /// two threads can never publish a stale total. A total that would be invalid is rejected and left unchanged.
    /// </summary>
    internal void Add(double delta)
    {
        if (_off)
        {
            return;
        }

        var current = Volatile.Read(ref _lastBits);
        while (true)
        {
            var next = BitConverter.Int64BitsToDouble(current) + delta;
            if (!MetricValidator.IsValidValue(next))
            {
                Reject();
                return;
            }

            var observed = Interlocked.CompareExchange(ref _lastBits, BitConverter.DoubleToInt64Bits(next), current);
            if (observed == current)
            {
                Volatile.Write(ref _hasValue, 1);
                return;
            }

            current = observed;
        }
    }

    internal override long Harvest(DateTimeOffset periodStart, List<MetricDatum> output, List<Aggregation.HistogramBucket> scratch, bool periodAlreadyPublished = false)
    {
        if (_observe is not null && !periodAlreadyPublished)
        {
            Observe();
        }

        if (Interlocked.Exchange(ref _hasValue, 0) == 0)
        {
            return 0;
        }

        output.Add(NewDatum(periodStart, BitConverter.Int64BitsToDouble(Volatile.Read(ref _lastBits)), null, null, null));
        return 1;
    }

    /// <summary>
    /// Runs the callback off the collector's thread and waits at most <see cref="CallbackTimeout"/>: a callback that
    /// blocks (a hung database, a deadlock) costs its own value, never the other series' periods or the shutdown.
    /// While it is still running no second call is started.
    /// </summary>
    private void Observe()
    {
        if (_running is { IsCompleted: false })
        {
            Interlocked.Increment(ref _observeTimeouts);
            return;
        }

        _running = null;
        var observe = _observe!;
        var task = Task.Run(observe);
        try
        {
            if (!task.Wait(CallbackTimeout))
            {
                _running = task;
                Interlocked.Increment(ref _observeTimeouts);
                return;
            }

            // A callback may answer null: "no value this period" (e.g. a success rate when nothing finished).
            if (task.Result is { } value)
            {
                Record(value);
            }
        }
        catch (AggregateException)
        {
            // A failing callback must not stop the other series from being published.
            Interlocked.Increment(ref _observeFailures);
        }
    }
}
