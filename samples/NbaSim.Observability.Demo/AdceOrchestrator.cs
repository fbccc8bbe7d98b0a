using System.Threading.Channels;

namespace NbaSim.Observability.Demo;

/// <summary>
/// An ADCE-like orchestrator: a queue of collection tasks (one per game), eight workers running the scraper on them,
/// task outcomes and queue depth reported through <see cref="IAdceHealthMetrics"/>, upload outcomes through
/// <see cref="IS3UploadMetrics"/>, validation batches through <see cref="IDataQualityMetrics"/>.
/// </summary>
internal sealed class AdceOrchestrator
{
    private readonly double _failureRate;
    private readonly Channel<int> _queue = Channel.CreateUnbounded<int>();
    private readonly IAdceHealthMetrics _adce;
    private readonly IS3UploadMetrics _uploads;
    private readonly IDataQualityMetrics _quality;
    private readonly HttpClient _source;
    private int _queueDepth;

    public AdceOrchestrator(IAdceHealthMetrics adce, IS3UploadMetrics uploads, IDataQualityMetrics quality, HttpClient source, double failureRate)
    {
        _source = source;
        _adce = adce;
        _uploads = uploads;
        _quality = quality;
        _failureRate = failureRate;
    }

    public async Task RunAsync(TimeSpan duration)
    {
        using var depth = _adce.ObserveQueueDepth(() => Volatile.Read(ref _queueDepth));
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
        await foreach (var game in _queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            Interlocked.Decrement(ref _queueDepth);
            if (cancellationToken.IsCancellationRequested)
            {
                continue; // drain quickly once time is up
            }

            try
            {
                await Scraper.ExtractGameAsync(_source, game, random.NextDouble() < _failureRate);
                try
                {
                    await Scraper.UploadAsync(game, random, random.NextDouble() < _failureRate);
                    _uploads.Succeeded();
                }
                catch (IOException)
                {
                    _uploads.Failed();
                    throw;
                }

                _adce.TaskCompleted();
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                _adce.TaskFailed();
            }
        }
    }

    private void ValidateLoop(CancellationToken cancellationToken)
    {
        // A CPU-bound hot path: many small validations, each one a recorded sample.
        var random = new Random(99);
        long passed = 0, total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            total++;
            try
            {
                Scraper.Validate(random, random.NextDouble() < _failureRate / 10);
                passed++;
            }
            catch (InvalidDataException)
            {
            }

            if (total == 100_000)
            {
                // A validation batch: its pass rate is what the Data-QualityIssues alarm watches.
                _quality.Report(passed, total, "play_by_play");
                _quality.Report(passed, total);
                (passed, total) = (0, 0);
            }
        }
    }
}
