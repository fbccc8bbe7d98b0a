using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace NbaSim.Observability.Publishers;
/// <summary>
/// A hosted service running each enabled periodic publisher on its own interval, with jitter, never two runs of one
/// publisher at once; a failed run is logged and counted and the next one happens on schedule: the host keeps running.
/// </summary>
internal sealed class PublisherScheduler : IPublisherScheduler, IHostedService, IDisposable
{
    private readonly Dictionary<string, Job> _jobs;
    private readonly ScheduleOptions _schedule;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly bool _off;

    public PublisherScheduler(IServiceProvider services, IOptions<NbaObservabilityOptions> options, TimeProvider time, ILogger<PublisherScheduler>? logger = null)
    {
        _schedule = options.Value.Schedule;
        _off = Configuration.ObservabilitySwitch.IsDisabled(options.Value);
        _time = time;
        _logger = logger ?? NullLogger<PublisherScheduler>.Instance;
        _jobs = new Dictionary<string, Job>(StringComparer.OrdinalIgnoreCase)
        {
            ["s3"] = new("s3", _schedule.S3Inventory, ct => Get<IS3InventoryPublisher>(services).PublishAsync(null, ct)),
            ["cost"] = new("cost", _schedule.Cost, ct => Get<ICostPublisher>(services).PublishAsync(ct)),
            ["dims"] = new("dims", _schedule.Dims, ct => Get<IDimsPublisher>(services).PublishAsync(null, ct)),
        };
    }

    internal PublisherScheduler(Dictionary<string, (PublisherSchedule Schedule, Func<CancellationToken, Task> Run)> jobs, ScheduleOptions schedule, TimeProvider time, ILogger? logger = null)
    {
        _schedule = schedule;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _jobs = jobs.ToDictionary(j => j.Key, j => new Job(j.Key, j.Value.Schedule, j.Value.Run), StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<string> Publishers => _jobs.Keys;

    public IReadOnlyList<PublisherRunState> State
        => _jobs.Values.Select(j => new PublisherRunState(j.Name, Volatile.Read(ref j.Runs), Volatile.Read(ref j.Failures), j.LastRun, j.LastError)).ToList();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Switched off: the schedules do not run (a publisher called directly still works).
        foreach (var job in _jobs.Values.Where(j => j.Schedule.Enabled && !_off))
        {
            _loops.Add(Task.Run(() => LoopAsync(job, _stopping.Token), CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> PublishNowAsync(string publisher, CancellationToken cancellationToken = default)
    {
        if (!_jobs.TryGetValue(publisher, out var job))
        {
            throw new ArgumentException($"Unknown publisher '{publisher}'; known: {string.Join(", ", _jobs.Keys)}.", nameof(publisher));
        }

        return await RunAsync(job, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        foreach (var job in _jobs.Values)
        {
            job.Dispose();
        }
    }

    private static T Get<T>(IServiceProvider services)
        where T : notnull
        => (T)(services.GetService(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered."));

    private async Task LoopAsync(Job job, CancellationToken cancellationToken)
    {
        try
        {
            // The first run comes after a jittered fraction of the interval, so a fleet started together spreads out.
            await Task.Delay(Jittered(TimeSpan.FromTicks(job.Schedule.Interval.Ticks / 10)), _time, cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                await RunAsync(job, cancellationToken).ConfigureAwait(false);
                await Task.Delay(Jittered(job.Schedule.Interval), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> RunAsync(Job job, CancellationToken cancellationToken)
    {
        await job.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Interlocked.Increment(ref job.Runs);
            job.LastRun = _time.GetUtcNow();
            await job.Run(cancellationToken).ConfigureAwait(false);
            job.LastError = null;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref job.Failures);
            job.LastError = $"{ex.GetType().Name}: {ex.Message}";
            Internal.Log.PublisherFailed(_logger, job.Name, ex.GetType().Name, ex);
            return false;
        }
        finally
        {
            job.Gate.Release();
        }
    }

    private TimeSpan Jittered(TimeSpan interval)
    {
        var factor = 1 + ((Random.Shared.NextDouble() * 2) - 1) * _schedule.Jitter;
        return TimeSpan.FromTicks((long)(interval.Ticks * factor));
    }

    private sealed class Job(string name, PublisherSchedule schedule, Func<CancellationToken, Task> run) : IDisposable
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public long Runs;
        public long Failures;

        public string Name { get; } = name;

        public PublisherSchedule Schedule { get; } = schedule;

        public Func<CancellationToken, Task> Run { get; } = run;

        public DateTimeOffset? LastRun { get; set; }

        public string? LastError { get; set; }

        public void Dispose() => Gate.Dispose();
    }
}
