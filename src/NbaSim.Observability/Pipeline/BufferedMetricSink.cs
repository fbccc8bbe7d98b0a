using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NbaSim.Observability.Diagnostics;
using NbaSim.Observability.Internal;
using NbaSim.Observability.Pipeline;

namespace NbaSim.Observability;

/// <summary>
/// The pipeline between recording and the exporter, in three parts: a collector that closes aggregation periods on
/// time, a delivery queue (in memory, or on disk when <see cref="NbaObservabilityOptions.Spool"/> is set) that keeps each
/// datum until the exporter acknowledged it, and a publisher that drains the queue in full batches (at most
/// <see cref="NbaObservabilityOptions.MaxDatumsPerBatch"/> datums and <see cref="NbaObservabilityOptions.MaxBatchBytes"/>
/// bytes). Recording never touches any of them, so nothing here can block a recorder.
/// </summary>
public sealed class BufferedMetricSink : IAsyncDisposable, IRegistryConsumer
{
    private readonly MetricRegistry _registry;
    private readonly IMetricExporter _exporter;
    private readonly NbaObservabilityOptions _options;
    private readonly ILogger _logger;
    private readonly DeliveryLane[] _lanes;
    private readonly IDeliveryQueue _queue;
    private readonly DiskDeliveryQueue? _disk;
    private readonly PeriodCollector _collector;
    private readonly SelfTelemetry _telemetry;
    private readonly CancellationTokenSource _stopping = new();

    // Cancels exports only when shutdown runs out of time: cancelling a request in flight on stop could leave it
    // delivered but unacknowledged, and the final flush would then send it again (CloudWatch would double-count).
    private readonly CancellationTokenSource _exportAbort = new();
    private Task _collectorTask = Task.CompletedTask;
    private int _state; // 0 new, 1 running, 2 stopped
    private int _addedSinceWake;
    private long _bufferDrops;
    private long _afterStopDrops;
    private volatile bool _stopFlushing;
    private readonly object _addGate = new();
    private bool _addsClosed;

    /// <summary>Creates the sink and attaches it to <paramref name="registry"/>.</summary>
    /// <param name="registry">The registry whose periods this sink closes.</param>
    /// <param name="exporter">Where batches go.</param>
    /// <param name="options">Buffer, batch and timing settings; validated exactly as <c>AddNbaObservability</c> validates them.</param>
    /// <param name="logger">Logger for drops and export failures.</param>
    /// <param name="meterFactory">Factory for the self-telemetry meter; a standalone meter when <see langword="null"/>.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the message names it, its value and the rule.</exception>
    public BufferedMetricSink(MetricRegistry registry, IMetricExporter exporter, NbaObservabilityOptions options, ILogger<BufferedMetricSink>? logger = null, IMeterFactory? meterFactory = null)
        : this(registry, exporter, null, options, logger, meterFactory)
    {
    }

    /// <summary>
    /// A sink that writes every datum to two destinations (dual-write), each with its own delivery queue, spool
    /// directory (<c>{Spool:Directory}/secondary</c>) and drain loop, so one destination's outage never holds the other.
    /// The registry's diagnostics count the primary's deliveries and drops; the secondary's are logged.
    /// </summary>
    internal BufferedMetricSink(MetricRegistry registry, IMetricExporter exporter, IMetricExporter? secondaryExporter, NbaObservabilityOptions options, ILogger<BufferedMetricSink>? logger = null, IMeterFactory? meterFactory = null)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _exporter = exporter ?? throw new ArgumentNullException(nameof(exporter));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        NbaObservabilityOptionsValidator.ThrowIfInvalid(options);
        if (registry.Consumer is not null)
        {
            // Checked before anything is opened (the spool's lock); Link below settles a race between two constructors.
            throw new InvalidOperationException(MetricRegistry.AlreadyDrained);
        }

        _logger = logger ?? NullLogger<BufferedMetricSink>.Instance;
        var spoolDirectory = options.Spool?.Directory is { Length: > 0 } directory ? directory : null;
        var lanes = new List<DeliveryLane>(2);
        try
        {
            lanes.Add(new DeliveryLane("primary", exporter, options, spoolDirectory, registry.Statistics, _logger, registry.TimeProvider, MemoryFull, DeliveredAfterStop, _exportAbort.Token));
            if (secondaryExporter is not null)
            {
                // Its own queue and, with a spool, its own directory inside the spool's: an outage of one destination
                // never holds, fills or evicts the other's data.
                lanes.Add(new DeliveryLane(
                    "secondary",
                    secondaryExporter,
                    options,
                    spoolDirectory is null ? null : Path.Combine(spoolDirectory, "secondary"),
                    new PipelineStatistics(),
                    _logger,
                    registry.TimeProvider,
                    MemoryFull,
                    DeliveredAfterStop,
                    _exportAbort.Token));
            }
        }
        catch
        {
            foreach (var lane in lanes)
            {
                lane.Dispose();
            }

            throw;
        }

        _lanes = [.. lanes];
        _queue = _lanes[0].Queue;
        _disk = _lanes[0].Disk;

        try
        {
            _collector = new PeriodCollector(registry, Add, Wake, _logger, mergeRollups: !exporter.PublishesRollupsAsDimensionSets);
            _telemetry = new SelfTelemetry(registry, () => QueuedDatums, meterFactory);
            registry.Link(this);
        }
        catch
        {
            // Whatever failed after the queue opened (an exporter's getter, the meter factory, a second sink): the spool
            // and its lock are released, and the registry stays free for the next sink.
            _telemetry?.Dispose();
            foreach (var lane in _lanes)
            {
                lane.Dispose();
            }

            throw;
        }
    }

    /// <summary>Datums not yet delivered: waiting, in flight, in memory or in the spool.</summary>
    public int QueuedDatums => _queue.Count;

    /// <summary>Datums not yet delivered by the secondary destination (dual-write); 0 without one.</summary>
    internal int SecondaryQueuedDatums => _lanes.Length > 1 ? _lanes[1].Queue.Count : 0;

    /// <summary>Datums kept on disk in the spool (0 without one): after a stop, what the next start sends.</summary>
    internal long SpooledDatums => _disk is null ? 0 : Math.Max(0, _disk.Count - _disk.InMemoryCount);

    /// <summary>Unreadable spool files this process moved to the quarantine directory.</summary>
    internal long SpoolFilesQuarantined => _disk?.FilesQuarantined ?? 0;

    /// <summary>The spool directory, or null without a spool.</summary>
    internal string? SpoolDirectory => _disk?.DirectoryPath;

    /// <summary>Starts closing periods on time and exporting in the background.</summary>
    public void Start()
    {
        // Switched off (Enabled=false or NBAOBS_DISABLED=1): no background work at all.
        if (_registry.IsSwitchedOff || Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }

        _collectorTask = Task.Run(() => _collector.RunAsync(_stopping.Token));
        foreach (var lane in _lanes)
        {
            lane.DrainTask = Task.Run(() => DrainLoopAsync(lane, _stopping.Token));
        }
    }

    /// <summary>
    /// Closes every period now (open ones included) and exports everything buffered. CloudWatch merges datums that
    /// share a timestamp, so the rest of an open period published later adds up correctly.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> when everything buffered was delivered; <see langword="false"/> when an export failed or
    /// the sink stopped meanwhile (what was not delivered stays queued for the next flush, in the spool, or is counted
    /// as dropped: see <see cref="MetricRegistry.GetDiagnostics"/>).
    /// </returns>
    public async Task<bool> ForceFlushAsync(CancellationToken cancellationToken = default)
    {
        // Off the caller's thread: observable callbacks run in the harvest (bounded by ObservableGaugeTimeout), and the
        // caller gets its task at once.
        var harvested = await Task.Run(() => _collector.CollectNow(includeOpenPeriods: true), CancellationToken.None).ConfigureAwait(false);
        Interlocked.Exchange(ref _addedSinceWake, 0);
        if (Volatile.Read(ref _state) == 2 && !_stopFlushing)
        {
            // Stopped: what was harvested went to the spool or was counted as dropped, and nothing is delivered now.
            return harvested == 0 && _lanes.All(lane => lane.Queue.Count == 0);
        }

        // The stop's deadline cancels this drain too (each lane's at its own deadline), so a stop never leaves an export
        // of ours running behind it.
        try
        {
            if (_lanes.Length == 1)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lanes[0].Abort.Token);
                return await _lanes[0].Drainer.DrainAsync(newestFirst: false, linked.Token).ConfigureAwait(false);
            }

            var drained = await Task.WhenAll(_lanes.Select(lane => DrainLaneAsync(lane, cancellationToken))).ConfigureAwait(false);
            return drained.All(d => d);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // the stop ran out of time and cancelled this drain: not the caller's cancellation
        }
    }

    private static async Task<bool> DrainLaneAsync(DeliveryLane lane, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lane.Abort.Token);
        return await lane.Drainer.DrainAsync(newestFirst: false, linked.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the background work, then flushes everything (open periods included). Returns within
    /// <see cref="NbaObservabilityOptions.ShutdownTimeout"/> plus at most one second, even when the exporter hangs or a
    /// gauge callback blocks. What is not delivered by then stays in the spool (when it is on) or is counted and logged.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2 || _registry.IsSwitchedOff)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        TimeSpan Remaining() => _options.ShutdownTimeout - Stopwatch.GetElapsedTime(started);

        _stopFlushing = true;
        await _stopping.CancelAsync().ConfigureAwait(false);

        // The collector's loop ends at once; the final harvest runs before any waiting for exports, so the samples are
        // stamped with the periods they were recorded in however long the drain then takes. It runs off this thread,
        // so a blocked gauge callback cannot hold the shutdown past its deadline.
        await WaitBoundedAsync(_collectorTask, Remaining(), "stop", cancellationToken).ConfigureAwait(false);
        var harvestBudget = Remaining() > TimeSpan.FromMilliseconds(500) ? Remaining() : TimeSpan.FromMilliseconds(500);
        await WaitBoundedAsync(Task.Run(_collector.CollectFinal, CancellationToken.None), harvestBudget, "collect", cancellationToken).ConfigureAwait(false);

        // Each lane stops on its own within the one deadline: its loop ends (an export in flight completes, or is cut off
        // when the deadline passes for it), then its final drain runs. A destination that hangs costs only itself.
        await Task.WhenAll(_lanes.Select(lane => StopLaneAsync(lane, Remaining, cancellationToken))).ConfigureAwait(false);

        // A drain still running (a flush of the caller's, an exporter that ignores cancellation) is waited for briefly,
        // so its datums are counted once: delivered, or left over below.
        var idle = new bool[_lanes.Length];
        for (var i = 0; i < _lanes.Length; i++)
        {
            idle[i] = await _lanes[i].Drainer.WaitIdleAsync(TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
        }

        _stopFlushing = false;
        lock (_addGate)
        {
            // From here on the queue takes nothing through the normal path: a late add (a harvest that overran its
            // budget) goes straight to the spool when there is one, and is counted as dropped otherwise.
            _addsClosed = true;
        }

        if (cancellationToken.IsCancellationRequested && Remaining() > TimeSpan.Zero)
        {
            // A host cancels at its own HostOptions.ShutdownTimeout (30 s by default), which may be shorter than ours.
            Log.StopCutShort(_logger, Stopwatch.GetElapsedTime(started), _options.ShutdownTimeout);
        }

        for (var i = 0; i < _lanes.Length; i++)
        {
            ReportLeftovers(_lanes[i], idle[i]);
        }
    }

    private async Task StopLaneAsync(DeliveryLane lane, Func<TimeSpan> remaining, CancellationToken cancellationToken)
    {
        var loopEnded = await WaitBoundedAsync(lane.DrainTask, remaining(), "stop", cancellationToken).ConfigureAwait(false);
        if (!loopEnded)
        {
            // An export of this lane's loop outlived the deadline: cancel it, give it a moment, and leave it behind.
            await lane.Abort.CancelAsync().ConfigureAwait(false);
            loopEnded = await WaitBoundedAsync(lane.DrainTask, TimeSpan.FromMilliseconds(250), "abort", CancellationToken.None).ConfigureAwait(false);
        }

        await FinalDrainAsync(lane, loopEnded, remaining, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stop's drain of one lane: retried with growing pauses until it is empty or the deadline passes.</summary>
    private async Task FinalDrainAsync(DeliveryLane lane, bool loopsEnded, Func<TimeSpan> remaining, CancellationToken cancellationToken)
    {
        // Without a spool the newest periods go first: if time runs out, the backlog's oldest datums are the ones lost.
        var pause = TimeSpan.FromMilliseconds(100);
        Task<bool>? drain = null;
        var drained = false;
        while (loopsEnded && !drained && remaining() > TimeSpan.Zero && !cancellationToken.IsCancellationRequested)
        {
            drain = lane.Drainer.DrainAsync(newestFirst: lane.Disk is null, lane.Abort.Token);
            if (!await WaitBoundedAsync(drain, remaining(), "flush", cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            drained = drain.IsCompletedSuccessfully && drain.Result;
            if (!drained && remaining() > TimeSpan.Zero)
            {
                // A throttled or failing export is retried, with growing pauses, until the deadline.
                await Task.Delay(pause < remaining() ? pause : remaining(), CancellationToken.None).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }

        if (drain is { IsCompleted: false })
        {
            // Out of time: cancel what is in flight and give it a moment; an exporter that ignores cancellation is left behind.
            await lane.Abort.CancelAsync().ConfigureAwait(false);
            await WaitBoundedAsync(drain, TimeSpan.FromMilliseconds(250), "abort", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        finally
        {
            // Even if stopping failed, this sink no longer drains the registry, and its spool lock is released.
            _registry.Unlink(this);
            _telemetry.Dispose();
            foreach (var lane in _lanes)
            {
                lane.Dispose();
            }

            _stopping.Dispose();
        }
    }

    bool IRegistryConsumer.Accept(MetricDatum datum) => Enqueue(datum);

    internal bool Enqueue(MetricDatum datum)
    {
        if (Volatile.Read(ref _state) == 2 && !_stopFlushing)
        {
            // Stopped: nothing would export it now. Kept in the spool when there is one; otherwise refused, so the
            // caller knows (counted and logged).
            return AddAfterStop(datum);
        }

        Add(datum);
        return true;
    }

    private void Add(MetricDatum datum)
    {
        bool closed;
        lock (_addGate)
        {
            closed = _addsClosed;
            if (!closed)
            {
                foreach (var lane in _lanes)
                {
                    lane.Queue.Add(datum);
                }
            }
        }

        if (closed)
        {
            AddAfterStop(datum);
            return;
        }


        if (Interlocked.Increment(ref _addedSinceWake) >= _options.MaxDatumsPerBatch)
        {
            // A full batch of new datums: no need to wait for the flush interval.
            Interlocked.Exchange(ref _addedSinceWake, 0);
            Wake();
        }
    }

    /// <summary>A datum that arrives once the sink has stopped: written to the spool, or counted and logged as dropped.</summary>
    private bool AddAfterStop(MetricDatum datum)
    {
        for (var i = 1; i < _lanes.Length; i++)
        {
            // The secondary keeps it in its own spool, or counts it as its own drop.
            if (!(_lanes[i].Disk is { } secondaryDisk && secondaryDisk.WriteAside([datum])))
            {
                _lanes[i].Statistics.Dropped(1);
            }
        }

        if (_disk is not null && _disk.WriteAside([datum]))
        {
            return true;
        }

        _registry.Statistics.Dropped(1);
        var dropped = Interlocked.Increment(ref _afterStopDrops);
        if ((dropped & (dropped - 1)) == 0)
        {
            Log.DroppedAfterStop(_logger, dropped);
        }

        return false;
    }

    private void MemoryFull(DeliveryLane lane, int dropped)
    {
        if (!ReferenceEquals(lane, _lanes[0]))
        {
            // Counted in the lane's own statistics and logged as the primary's are: when the count passes a power of two.
            lane.Statistics.Dropped(dropped);
            var total = Interlocked.Add(ref lane.BufferDrops, dropped);
            var earlier = total - dropped;
            if (earlier == 0 || (64 - long.LeadingZeroCount(earlier)) != (64 - long.LeadingZeroCount(total)))
            {
                Log.SecondaryDropped(_logger, total, lane.Exporter.GetType().Name, _options.MaxQueuedDatums);
            }

            return;
        }

        _registry.Statistics.Dropped(dropped);
        var before = Interlocked.Add(ref _bufferDrops, dropped) - dropped;
        var after = before + dropped;

        // Logged when the count passes a power of two: the first drop, then ever more rarely, so a flood cannot flood the log.
        if (before == 0 || (64 - long.LeadingZeroCount(before)) != (64 - long.LeadingZeroCount(after)))
        {
            Log.BufferFull(_logger, _options.MaxQueuedDatums, after);
        }
    }

    private void Wake()
    {
        foreach (var lane in _lanes)
        {
            if (lane.Wake.CurrentCount == 0)
            {
                lane.Wake.Release();
            }
        }
    }

    /// <summary>An export that outlived the stop delivered after all what the stop counted as dropped: correct the count.</summary>
    private void DeliveredAfterStop(DeliveryLane lane, int delivered)
    {
        lane.Statistics.Dropped(-delivered);
        Log.DeliveredAfterStop(_logger, delivered);
    }

    /// <summary>Counts what the stop leaves behind, each datum once. <paramref name="idle"/>: no drain holds the queue.</summary>
    private void ReportLeftovers(DeliveryLane lane, bool idle)
    {
        if (lane.Disk is { } disk)
        {
            // What the disk refused during the run gets a last chance. A drain that still holds the queue (an exporter
            // that ignores cancellation) cannot be waited for: what waits in memory is written aside, to new files.
            if (!(idle && lane.Drainer.TryPersist()))
            {
                disk.PersistStagedAside();
            }

            var lost = disk.StopAndCountInMemory();
            if (lost > 0)
            {
                lane.Statistics.Dropped(lost);
                Log.ShutdownDropped(_logger, _options.ShutdownTimeout, lost);
            }

            var spooled = disk.Count - lost;
            if (spooled > 0)
            {
                Log.ShutdownSpooled(_logger, spooled, disk.FileCount);
            }

            return;
        }

        // In flight now means an export that outlived the deadline and may never end: counted as dropped now, and
        // corrected if it delivers after all (see the queue's callback), so each datum is counted once.
        var (waiting, inFlight) = lane.Memory!.Close();
        var left = waiting + inFlight;
        if (left > 0)
        {
            lane.Statistics.Dropped(left);
            Log.ShutdownDropped(_logger, _options.ShutdownTimeout, left);
        }
    }

    private async Task<bool> WaitBoundedAsync(Task task, TimeSpan timeout, string stage, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || _exportAbort.IsCancellationRequested || _lanes.Any(lane => lane.Abort.IsCancellationRequested))
        {
            return task.IsCompleted;
        }
        catch (Exception ex)
        {
            Log.PipelineError(_logger, stage, ex.GetType().Name, ex);
            return true;
        }
    }

    private async Task DrainLoopAsync(DeliveryLane lane, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var interval = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                interval.CancelAfter(_options.FlushInterval);
                await lane.Wake.WaitAsync(interval.Token).ConfigureAwait(false);
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
                // Not the stopping token: a drain under way completes (or is cancelled with the shutdown deadline).
                Interlocked.Exchange(ref _addedSinceWake, 0);
                await lane.Drainer.DrainAsync(newestFirst: false, lane.Abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (lane.Abort.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.PipelineError(_logger, "export", ex.GetType().Name, ex);
            }
        }
    }
}
