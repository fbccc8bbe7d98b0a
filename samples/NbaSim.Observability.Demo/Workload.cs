using System.Threading.Channels;
using NbaSim.Observability.Publishers;

namespace NbaSim.Observability.Demo;

/// <summary>
/// An ADCE-like orchestrator (a queue of collection tasks and workers) and scraper-like uploads with a failure rate.
/// The hot methods carry [ProfilePerformance]: their durations and statuses are recorded by woven code.
/// </summary>
internal sealed class Workload
{
    private readonly double _failureRate;
    private readonly Channel<int> _queue = Channel.CreateUnbounded<int>();
    private readonly IAdceHealthMetrics _adce;
    private readonly IS3UploadMetrics _uploads;
    private readonly IDataQualityMetrics _quality;
    private int _queueDepth;

    public Workload(IAdceHealthMetrics adce, IS3UploadMetrics uploads, IDataQualityMetrics quality, double failureRate)
    {
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

    [ProfilePerformance("DataExtraction")]
    private static async Task<int> ExtractGameAsync(int game, Random random, bool fail)
    {
        await Task.Delay(random.Next(1, 6));
        return fail ? throw new InvalidDataException($"game {game}: box score incomplete") : game;
    }

    [ProfilePerformance("S3Upload")]
    private static async Task UploadAsync(int game, Random random, bool fail)
    {
        await Task.Delay(random.Next(1, 4));
        if (fail)
        {
            throw new IOException($"game {game}: upload to s3://nba-sim-raw-data-lake failed");
        }
    }

    [ProfilePerformance("Validation")]
    private static void Validate(Random random, bool fail)
    {
        Thread.SpinWait(random.Next(10, 200));
        if (fail)
        {
            throw new InvalidDataException("validation failed");
        }
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
                await ExtractGameAsync(game, random, random.NextDouble() < _failureRate);
                try
                {
                    await UploadAsync(game, random, random.NextDouble() < _failureRate);
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
                Validate(random, random.NextDouble() < _failureRate / 10);
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
