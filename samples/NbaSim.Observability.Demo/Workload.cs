using System.Diagnostics;
using System.Threading.Channels;

namespace NbaSim.Observability.Demo;

/// <summary>
/// An ADCE-like orchestrator (a queue of collection tasks and workers) and scraper-like uploads with a failure rate.
/// Every hot operation records through series handles resolved once.
/// </summary>
internal sealed class Workload
{
    private const string Performance = "NBA-Simulator/Performance";
    private const string Adce = "NBA-Simulator/ADCE";
    private const string DataCollection = "NBA-Simulator/DataCollection";

    private readonly double _failureRate;
    private readonly Channel<int> _queue = Channel.CreateUnbounded<int>();
    private readonly CounterSeries _completed;
    private readonly CounterSeries _failed;
    private readonly CounterSeries _uploadFailures;
    private readonly Operation _extraction;
    private readonly Operation _upload;
    private readonly Operation _validation;
    private int _queueDepth;

    public Workload(INbaMetrics metrics, double failureRate)
    {
        _failureRate = failureRate;
        _completed = metrics.Counter(Adce, "ADCETasksCompleted");
        _failed = metrics.Counter(Adce, "ADCETasksFailed");
        _uploadFailures = metrics.Counter(DataCollection, "S3UploadFailures", MetricUnit.Count, new SeriesOptions(PublishZeroWhenIdle: true));
        metrics.ObservableGauge(Adce, "ADCEQueueDepth", MetricUnit.Count, () => Volatile.Read(ref _queueDepth), default);
        _extraction = new Operation(metrics, "DataExtraction");
        _upload = new Operation(metrics, "S3Upload");
        _validation = new Operation(metrics, "Validation");
    }

    public async Task RunAsync(TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        var producer = ProduceAsync(stop.Token);
        var workers = Enumerable.Range(0, 8).Select(i => WorkAsync(i, stop.Token)).ToArray();
        var validator = Task.Run(() => ValidateLoop(stop.Token));
        await Task.WhenAll([producer, validator, .. workers]);
    }

    private async Task ProduceAsync(CancellationToken cancellationToken)
    {
        var game = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            for (var i = 0; i < 20; i++)
            {
                Interlocked.Increment(ref _queueDepth);
                await _queue.Writer.WriteAsync(game++, CancellationToken.None);
            }

            try
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        _queue.Writer.Complete();
    }

    private async Task WorkAsync(int worker, CancellationToken cancellationToken)
    {
        var random = new Random(worker);
        await foreach (var _ in _queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            Interlocked.Decrement(ref _queueDepth);
            if (cancellationToken.IsCancellationRequested)
            {
                continue; // drain quickly once time is up
            }

            var ok = await _extraction.TimeAsync(() => Task.Delay(random.Next(1, 6)), random.NextDouble() >= _failureRate);
            ok &= await _upload.TimeAsync(() => Task.Delay(random.Next(1, 4)), random.NextDouble() >= _failureRate);
            if (!ok)
            {
                _uploadFailures.Increment();
                _failed.Increment();
            }
            else
            {
                _completed.Increment();
            }
        }
    }

    private void ValidateLoop(CancellationToken cancellationToken)
    {
        // A CPU-bound hot path: many small validations, each one a recorded sample.
        var random = new Random(99);
        while (!cancellationToken.IsCancellationRequested)
        {
            _validation.Time(() => Thread.SpinWait(random.Next(10, 200)), random.NextDouble() >= _failureRate / 10);
        }
    }

    /// <summary>The two series of a profiled operation (<c>&lt;Name&gt;Duration</c> by Status), resolved once.</summary>
    private sealed class Operation(INbaMetrics metrics, string name)
    {
        private readonly DistributionSeries _success = metrics.Distribution(Performance, name + "Duration", MetricUnit.Seconds, new MetricDimension("Status", "success"));
        private readonly DistributionSeries _failure = metrics.Distribution(Performance, name + "Duration", MetricUnit.Seconds, new MetricDimension("Status", "failure"));

        public async Task<bool> TimeAsync(Func<Task> work, bool succeeds)
        {
            var start = Stopwatch.GetTimestamp();
            await work();
            (succeeds ? _success : _failure).Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
            return succeeds;
        }

        public void Time(Action work, bool succeeds)
        {
            var start = Stopwatch.GetTimestamp();
            work();
            (succeeds ? _success : _failure).Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }
}
