namespace NbaSim.Observability.Publishers;
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
