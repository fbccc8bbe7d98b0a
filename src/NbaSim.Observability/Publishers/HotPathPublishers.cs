namespace NbaSim.Observability.Publishers;

/// <summary>What scrapers record about each S3 upload.</summary>
public interface IS3UploadMetrics
{
    /// <summary>An upload succeeded.</summary>
    void Succeeded();

    /// <summary>An upload failed (published as <c>S3UploadFailures</c>, the metric the S3-upload alarm watches).</summary>
    void Failed();
}

/// <summary>
/// <c>S3UploadFailures</c> (Count, NBA-Simulator/DataCollection): a period with no failure still publishes 0, so the
/// alarm always has data; <c>S3Uploads</c> counts every upload.
/// </summary>
internal sealed class S3UploadMetrics(INbaMetrics metrics) : IS3UploadMetrics
{
    private readonly CounterSeries _failures = metrics.Counter(NbaMetricNames.DataCollection, NbaMetricNames.S3UploadFailures, MetricUnit.Count, new SeriesOptions(PublishZeroWhenIdle: true));
    private readonly CounterSeries _uploads = metrics.Counter(NbaMetricNames.DataCollection, "S3Uploads", MetricUnit.Count, new SeriesOptions(PublishZeroWhenIdle: true));

    public void Succeeded() => _uploads.Increment();

    public void Failed()
    {
        _uploads.Increment();
        _failures.Increment();
    }
}

/// <summary>Cumulative statistics an orchestrator exposes (totals since it started).</summary>
/// <param name="TasksCompleted">Tasks completed so far.</param>
/// <param name="TasksFailed">Tasks failed so far.</param>
/// <param name="QueueDepth">Tasks waiting now.</param>
public readonly record struct AdceStatistics(long TasksCompleted, long TasksFailed, int QueueDepth);

/// <summary>ADCE health: task outcomes, queue depth and success rate (NBA-Simulator/ADCE).</summary>
public interface IAdceHealthMetrics
{
    /// <summary>A task completed.</summary>
    void TaskCompleted();

    /// <summary>A task failed.</summary>
    void TaskFailed();

    /// <summary>Samples the queue depth from <paramref name="queueDepth"/> at the end of each period. Dispose to stop.</summary>
    IDisposable ObserveQueueDepth(Func<int> queueDepth);

    /// <summary>Reports cumulative orchestrator statistics; the increments since the previous report are recorded.</summary>
    void Report(AdceStatistics statistics);
}

/// <summary>
/// <c>ADCETasksCompleted</c>, <c>ADCETasksFailed</c> (Count), <c>ADCEQueueDepth</c> (Count) and <c>ADCESuccessRate</c>
/// (Percent). The success rate of a period is completed ÷ (completed + failed) × 100 over the tasks that finished in
/// that period; a period in which no task finished publishes no success rate (neither a false 0 % nor a false 100 %),
/// so the alarm treats it as missing data.
/// </summary>
internal sealed class AdceHealthMetrics : IAdceHealthMetrics, IDisposable
{
    private readonly INbaMetrics _metrics;
    private readonly CounterSeries _completed;
    private readonly CounterSeries _failed;
    private readonly IDisposable _rate;
    private readonly object _reportGate = new();
    private long _periodCompleted;
    private long _periodFailed;
    private AdceStatistics? _lastReport;
    private IDisposable? _reportedDepth;
    private int _reportedQueueDepth;

    public AdceHealthMetrics(INbaMetrics metrics)
    {
        _metrics = metrics;
        _completed = metrics.Counter(NbaMetricNames.Adce, NbaMetricNames.AdceTasksCompleted, MetricUnit.Count, new SeriesOptions(PublishZeroWhenIdle: true));
        _failed = metrics.Counter(NbaMetricNames.Adce, NbaMetricNames.AdceTasksFailed, MetricUnit.Count, new SeriesOptions(PublishZeroWhenIdle: true));
        _rate = metrics.ObservableGauge(NbaMetricNames.Adce, NbaMetricNames.AdceSuccessRate, MetricUnit.Percent, SuccessRateOfPeriod, default);
    }

    public void TaskCompleted()
    {
        _completed.Increment();
        Interlocked.Increment(ref _periodCompleted);
    }

    public void TaskFailed()
    {
        _failed.Increment();
        Interlocked.Increment(ref _periodFailed);
    }

    public IDisposable ObserveQueueDepth(Func<int> queueDepth)
    {
        ArgumentNullException.ThrowIfNull(queueDepth);
        return _metrics.ObservableGauge(NbaMetricNames.Adce, NbaMetricNames.AdceQueueDepth, MetricUnit.Count, () => (double)queueDepth(), default);
    }

    public void Report(AdceStatistics statistics)
    {
        lock (_reportGate)
        {
            var previous = _lastReport ?? new AdceStatistics(0, 0, 0);

            // A restarted orchestrator starts from zero again: then the totals themselves are the increments.
            var completed = statistics.TasksCompleted >= previous.TasksCompleted ? statistics.TasksCompleted - previous.TasksCompleted : statistics.TasksCompleted;
            var failed = statistics.TasksFailed >= previous.TasksFailed ? statistics.TasksFailed - previous.TasksFailed : statistics.TasksFailed;
            _lastReport = statistics;
            if (completed > 0)
            {
                _completed.Add(completed);
                Interlocked.Add(ref _periodCompleted, completed);
            }

            if (failed > 0)
            {
                _failed.Add(failed);
                Interlocked.Add(ref _periodFailed, failed);
            }

            Volatile.Write(ref _reportedQueueDepth, statistics.QueueDepth);
            _reportedDepth ??= ObserveQueueDepth(() => Volatile.Read(ref _reportedQueueDepth));
        }
    }

    public void Dispose()
    {
        _rate.Dispose();
        _reportedDepth?.Dispose();
    }

    /// <summary>Called once at the end of each period: the rate of that period, or null when no task finished.</summary>
    internal double? SuccessRateOfPeriod()
    {
        var completed = Interlocked.Exchange(ref _periodCompleted, 0);
        var failed = Interlocked.Exchange(ref _periodFailed, 0);
        var finished = completed + failed;
        return finished == 0 ? null : 100.0 * completed / finished;
    }
}

/// <summary>Data-quality results (NBA-Simulator/DataQuality).</summary>
public interface IDataQualityMetrics
{
    /// <summary>
    /// Records a validation run: <c>ValidationPassRate</c> = passed ÷ total × 100 (Percent), optionally with a
    /// <c>Dataset</c> dimension. A run with no records publishes nothing and returns false.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="passed"/> is negative or above <paramref name="total"/>.</exception>
    bool Report(long passed, long total, string? dataset = null);
}

internal sealed class DataQualityMetrics(INbaMetrics metrics) : IDataQualityMetrics
{
    public bool Report(long passed, long total, string? dataset = null)
    {
        if (total < 0 || passed < 0 || passed > total)
        {
            throw new ArgumentOutOfRangeException(nameof(passed), passed, $"passed is {passed} and total is {total}; 0 ≤ passed ≤ total is required.");
        }

        if (total == 0)
        {
            return false;
        }

        var series = dataset is null
            ? metrics.Distribution(NbaMetricNames.DataQuality, NbaMetricNames.ValidationPassRate, MetricUnit.Percent)
            : metrics.Distribution(NbaMetricNames.DataQuality, NbaMetricNames.ValidationPassRate, MetricUnit.Percent, new MetricDimension("Dataset", dataset));
        series.Record(100.0 * passed / total);
        return true;
    }
}
