using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NbaSim.Observability.Diagnostics;
using NbaSim.Observability.Internal;

namespace NbaSim.Observability;

/// <summary>
/// Closes aggregation periods on time, queues their datums on a bounded channel, and drains the channel into batches
/// (at most <see cref="NbaObservabilityOptions.MaxDatumsPerBatch"/> datums and <see cref="NbaObservabilityOptions.MaxBatchBytes"/>
/// bytes) for the exporter. Recording never touches the channel, so a full buffer can never block a recorder.
/// </summary>
public sealed class BufferedMetricSink : IAsyncDisposable
{
    private readonly MetricRegistry _registry;
    private readonly IMetricExporter _exporter;
    private readonly NbaObservabilityOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<MetricDatum> _channel;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _exportGate = new(1, 1);
    private readonly LinkedList<MetricDatum> _retry = new();
    private readonly SelfTelemetry _telemetry;
    private readonly CancellationTokenSource _stopping = new();

    // Cancels exports only when shutdown runs out of time: cancelling a request in flight on stop could leave it
    // delivered but unacknowledged, and the final flush would then send it again (CloudWatch would double-count).
    private readonly CancellationTokenSource _exportAbort = new();
    private Task _collector = Task.CompletedTask;
    private Task _publisher = Task.CompletedTask;
    private readonly Pipeline.DiskSpool? _spool;
    private int _state; // 0 new, 1 running, 2 stopped
    private long _bufferDrops;
    private volatile bool _stopFlushing;

    /// <summary>Creates the sink and attaches it to <paramref name="registry"/>.</summary>
    /// <param name="registry">The registry whose periods this sink closes.</param>
    /// <param name="exporter">Where batches go.</param>
    /// <param name="options">Buffer, batch and timing settings.</param>
    /// <param name="logger">Logger for drops and export failures.</param>
    /// <param name="meterFactory">Factory for the self-telemetry meter; a standalone meter when <see langword="null"/>.</param>
    public BufferedMetricSink(MetricRegistry registry, IMetricExporter exporter, NbaObservabilityOptions options, ILogger<BufferedMetricSink>? logger = null, IMeterFactory? meterFactory = null)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _exporter = exporter ?? throw new ArgumentNullException(nameof(exporter));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? NullLogger<BufferedMetricSink>.Instance;
        _time = registry.TimeProvider;
        _channel = Channel.CreateBounded<MetricDatum>(new BoundedChannelOptions(options.MaxQueuedDatums)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // only TryWrite is used: a full channel refuses, it never waits
        });
        if (options.Spool?.Directory is { Length: > 0 } spoolDirectory)
        {
            _spool = new Pipeline.DiskSpool(spoolDirectory, options.Spool.MaxBytes, _logger, registry.Statistics);
        }

        registry.PublishTarget = Enqueue;
        registry.QueueDepth = () => QueuedDatums;
        _telemetry = new SelfTelemetry(registry, () => QueuedDatums, meterFactory);
    }

    /// <summary>Datums waiting to be exported (buffered plus kept for retry).</summary>
    public int QueuedDatums => _channel.Reader.Count + Volatile.Read(ref _retryCount);

    private int _retryCount;

    /// <summary>Starts closing periods on time and exporting in the background.</summary>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }

        _collector = Task.Run(() => CollectLoopAsync(_stopping.Token));
        _publisher = Task.Run(() => PublishLoopAsync(_stopping.Token));
    }

    /// <summary>
    /// Closes every period now (open ones included) and exports everything buffered. CloudWatch merges datums that
    /// share a timestamp, so the rest of an open period published later adds up correctly.
    /// </summary>
    public async Task ForceFlushAsync(CancellationToken cancellationToken = default)
    {
        CollectAndEnqueue(includeOpenPeriods: true);
        await DrainAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the background work, then flushes everything (open periods included) within <see cref="NbaObservabilityOptions.ShutdownTimeout"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        _stopFlushing = true;
        using var timeout = new CancellationTokenSource(_options.ShutdownTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        await using var abort = linked.Token.Register(static state => ((CancellationTokenSource)state!).Cancel(), _exportAbort).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_collector, _publisher).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.PipelineError(_logger, "stop", ex.GetType().Name, ex);
        }

        try
        {
            CollectAndEnqueue(includeOpenPeriods: true);

            // A throttled or failing export is retried, with growing pauses, until the shutdown timeout.
            var pause = TimeSpan.FromMilliseconds(100);
            await DrainAsync(linked.Token).ConfigureAwait(false);
            while (PendingForShutdown() > 0)
            {
                await Task.Delay(pause, _time, linked.Token).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
                await DrainAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below with the count of what is left.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.PipelineError(_logger, "stop", ex.GetType().Name, ex);
        }

        _stopFlushing = false;
        var left = QueuedDatums;
        if (left > 0)
        {
            _registry.Statistics.Dropped(left);
            Log.ShutdownDropped(_logger, _options.ShutdownTimeout, left);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_registry.PublishTarget == Enqueue)
        {
            _registry.PublishTarget = null;
        }

        _telemetry.Dispose();
        _stopping.Dispose();
        _exportAbort.Dispose();
        _wake.Dispose();
        _exportGate.Dispose();
        _spool?.Dispose();
    }

    /// <summary>What a shutdown still has to deliver: the memory queue, or spool files of this run.</summary>
    private int PendingForShutdown() => QueuedDatums + (_spool?.Files().Count ?? 0);

    internal bool Enqueue(MetricDatum datum)
    {
        if (Volatile.Read(ref _state) == 2 && _channel.Reader.Count == 0 && !_stopFlushing)
        {
            // Stopped: nothing would export it. Refuse, so the caller knows (counted and logged like a full buffer).
            _registry.Statistics.Dropped(1);
            Log.BufferFull(_logger, 0, Interlocked.Increment(ref _bufferDrops));
            return false;
        }

        if (_channel.Writer.TryWrite(datum))
        {
            if (_channel.Reader.Count >= _options.MaxDatumsPerBatch)
            {
                Wake();
            }

            return true;
        }

        _registry.Statistics.Dropped(1);
        var drops = Interlocked.Increment(ref _bufferDrops);
        if ((drops & (drops - 1)) == 0)
        {
            // Powers of two: the first drop and then ever more rarely, so a flood cannot flood the log too.
            Log.BufferFull(_logger, _options.MaxQueuedDatums, drops);
        }

        return false;
    }

    private void CollectAndEnqueue(bool includeOpenPeriods)
    {
        var output = new List<MetricDatum>();
        _registry.Collect(_time.GetUtcNow(), includeOpenPeriods, output);
        if (_spool is not null)
        {
            // Write-ahead: a closed period is on disk before anything else happens to it, so a crash cannot lose it.
            lock (_spool)
            {
                var pending = new LinkedList<MetricDatum>(output);
                while (pending.Count > 0)
                {
                    var batch = TakeBatch(pending);
                    try
                    {
                        _spool.Write(batch);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        // The disk refused (full, read-only): keep the period in memory rather than lose it.
                        Log.SpoolProblem(_logger, _spool.DirectoryPath, $"write failed ({ex.GetType().Name}); {batch.Count} datum(s) kept in memory");
                        foreach (var datum in batch)
                        {
                            Enqueue(datum);
                        }
                    }
                }
            }

            if (output.Count > 0)
            {
                Wake();
            }

            return;
        }

        foreach (var datum in output)
        {
            Enqueue(datum);
        }

        if (output.Count > 0)
        {
            Wake();
        }
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    private async Task CollectLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // Wake at the next boundary, and at least every second so new high-resolution series start promptly.
            var delay = _registry.NextBoundary() - _time.GetUtcNow();
            delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay;
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                CollectAndEnqueue(includeOpenPeriods: false);
            }
            catch (Exception ex)
            {
                // Never let one bad period stop the collector: the next boundary is tried again.
                Log.PipelineError(_logger, "collect", ex.GetType().Name, ex);
            }
        }
    }

    private async Task PublishLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var interval = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                interval.CancelAfter(_options.FlushInterval);
                await _wake.WaitAsync(interval.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }

            try
            {
                // Not the stopping token: a drain under way completes (or times out with the shutdown).
                await DrainAsync(_exportAbort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_exportAbort.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.PipelineError(_logger, "export", ex.GetType().Name, ex);
            }
        }
    }

    /// <summary>
    /// Exports everything queued: datums kept from failed attempts first (oldest first), then the channel; up to the
    /// exporter's <see cref="IMetricExporter.MaxConcurrentExports"/> batches at once. A failed batch goes back to the
    /// front of the queue and the drain stops until the next flush, which paces retries during an outage.
    /// </summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        await _exportGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            MoveChannelToQueue();
            DropExpired();
            if (_spool is not null)
            {
                await DrainThroughSpoolAsync(_spool, cancellationToken).ConfigureAwait(false);
                return;
            }

            var parallel = Math.Max(1, _exporter.MaxConcurrentExports);
            while (_retry.Count > 0)
            {
                var batches = new List<List<MetricDatum>>(parallel);
                while (batches.Count < parallel && _retry.Count > 0)
                {
                    batches.Add(TakeBatch(_retry));
                }

                var outcomes = await Task.WhenAll(batches.Select(b => ExportOneAsync(b, cancellationToken))).ConfigureAwait(false);
                var failed = false;
                for (var i = outcomes.Length - 1; i >= 0; i--)
                {
                    // Back to the front in reverse, so the queue keeps its order.
                    if (outcomes[i] is { Count: > 0 } undelivered)
                    {
                        ReturnBatch(undelivered);
                        failed = true;
                    }
                }

                Volatile.Write(ref _retryCount, _retry.Count);
                cancellationToken.ThrowIfCancellationRequested();
                if (failed)
                {
                    return;
                }

                // Datums that arrived meanwhile join the queue, so a steady stream still leaves in full batches.
                MoveChannelToQueue();
            }
        }
        finally
        {
            Volatile.Write(ref _retryCount, _retry.Count);
            _exportGate.Release();
        }
    }

    /// <summary>
    /// With the spool on: replay what is on disk (oldest first, this process's or a previous one's), then write each new
    /// batch to disk before exporting it. A file is deleted only after the exporter accepted its datums; a failure
    /// leaves it for the next flush.
    /// </summary>
    private async Task DrainThroughSpoolAsync(Pipeline.DiskSpool spool, CancellationToken cancellationToken)
    {
        // Directly published datums join the spool first; closed periods are already there.
        lock (spool)
        {
            while (_retry.Count > 0)
            {
                spool.Write(TakeBatch(_retry));
            }
        }

        Volatile.Write(ref _retryCount, 0);
        foreach (var file in spool.Files())
        {
            if (!await ExportSpooledAsync(spool, file, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<bool> ExportSpooledAsync(Pipeline.DiskSpool spool, string path, CancellationToken cancellationToken)
    {
        if (spool.Read(path) is not { } batch)
        {
            return true; // quarantined: move on
        }

        var cutoff = _time.GetUtcNow() - MetricLimits.MaxAge;
        var fresh = batch.Datums.Where(d => d.Timestamp >= cutoff).ToList();
        if (fresh.Count < batch.Datums.Count)
        {
            _registry.Statistics.Dropped(batch.Datums.Count - fresh.Count);
            Log.DroppedTooOld(_logger, batch.Datums.Count - fresh.Count, batch.Datums.Min(d => d.Timestamp));
            spool.Replace(path, fresh); // counted once, not at every retry
        }

        spool.InFlight = path;
        IReadOnlyList<MetricDatum> undelivered;
        try
        {
            undelivered = fresh.Count == 0 ? [] : await ExportOneAsync(fresh, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            spool.InFlight = null;
        }

        if (undelivered.Count == 0)
        {
            spool.Delivered(path);
            return true;
        }

        if (undelivered.Count < fresh.Count)
        {
            // Part was accepted: the same file now holds only the rest (atomic replace), so no accepted datum is sent again.
            spool.Replace(path, undelivered);
        }

        return false;
    }

    /// <summary>Exports one batch; returns what was not delivered (empty on success). Never throws.</summary>
    private async Task<IReadOnlyList<MetricDatum>> ExportOneAsync(List<MetricDatum> batch, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _exporter.ExportAsync(batch, cancellationToken).ConfigureAwait(false);
            Delivered(batch.Count, result);
            return [];
        }
        catch (MetricExportException partial)
        {
            Delivered(batch.Count - partial.Undelivered.Count, partial.Delivered);
            _registry.Statistics.ExportFailed();
            Log.ExportFailed(_logger, partial.Undelivered.Count, partial.InnerException?.GetType().Name ?? nameof(MetricExportException), partial);
            return partial.Undelivered;
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _registry.Statistics.ExportFailed();
                Log.ExportFailed(_logger, batch.Count, ex.GetType().Name, ex);
            }

            return batch;
        }
    }

    private void Delivered(int datums, ExportResult result)
    {
        _registry.Statistics.Exported(datums - result.RejectedDatums, result.BytesSent, result.Requests);
        if (result.RejectedDatums > 0)
        {
            _registry.Statistics.Dropped(result.RejectedDatums);
        }
    }

    private void MoveChannelToQueue()
    {
        while (_channel.Reader.TryRead(out var datum))
        {
            _retry.AddLast(datum);
        }

        Volatile.Write(ref _retryCount, _retry.Count);
    }

    /// <summary>
    /// The next batch: datums of the oldest datum's namespace (PutMetricData takes one namespace per call), in queue
    /// order, within the datum and byte limits. Datums of other namespaces keep their place.
    /// </summary>
    private List<MetricDatum> TakeBatch(LinkedList<MetricDatum> queue)
    {
        var ns = queue.First!.Value.Namespace;
        var batch = new List<MetricDatum>(Math.Min(queue.Count, _options.MaxDatumsPerBatch));
        var bytes = 0;
        for (var node = queue.First; node is not null && batch.Count < _options.MaxDatumsPerBatch;)
        {
            var next = node.Next;
            if (string.Equals(node.Value.Namespace, ns, StringComparison.Ordinal))
            {
                var size = _exporter.EstimateSize(node.Value);
                if (batch.Count > 0 && bytes + size > _options.MaxBatchBytes)
                {
                    break;
                }

                bytes += size;
                batch.Add(node.Value);
                queue.Remove(node);
            }

            node = next;
        }

        return batch;
    }

    private void ReturnBatch(IReadOnlyList<MetricDatum> batch)
    {
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            _retry.AddFirst(batch[i]);
        }

        // Keep memory bounded during a long outage: past the cap, the oldest datums go first (counted and logged).
        var over = _retry.Count - _options.MaxQueuedDatums;
        if (over > 0)
        {
            for (var i = 0; i < over; i++)
            {
                _retry.RemoveFirst();
            }

            _registry.Statistics.Dropped(over);
            Log.RetryBufferOverflow(_logger, over);
        }
    }

    private void DropExpired()
    {
        var cutoff = _time.GetUtcNow() - MetricLimits.MaxAge;
        var dropped = 0;
        DateTimeOffset oldest = DateTimeOffset.MaxValue;
        for (var node = _retry.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Timestamp < cutoff)
            {
                oldest = node.Value.Timestamp < oldest ? node.Value.Timestamp : oldest;
                _retry.Remove(node);
                dropped++;
            }

            node = next;
        }

        if (dropped > 0)
        {
            _registry.Statistics.Dropped(dropped);
            Log.DroppedTooOld(_logger, dropped, oldest);
        }
    }
}
