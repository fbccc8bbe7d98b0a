using Microsoft.Extensions.Logging;
using NbaSim.Observability.Diagnostics;

namespace NbaSim.Observability.Pipeline;

/// <summary>
/// One destination's delivery: its own queue (in memory, or a spool directory of its own), its drainer and its
/// exporter. With dual-write the sink feeds two lanes the same datums; they share nothing after that, so one
/// destination's outage, throttling or hang never holds the other.
/// </summary>
internal sealed class DeliveryLane : IDisposable
{
    public DeliveryLane(string name, IMetricExporter exporter, NbaObservabilityOptions options, string? spoolDirectory, PipelineStatistics statistics, ILogger logger, TimeProvider time, Action<DeliveryLane, int> memoryFull, Action<DeliveryLane, int> deliveredAfterStop, CancellationToken abortAll)
    {
        Name = name;
        Abort = CancellationTokenSource.CreateLinkedTokenSource(abortAll);
        Exporter = exporter;
        Statistics = statistics;
        if (spoolDirectory is { Length: > 0 })
        {
            Disk = new DiskDeliveryQueue(new SpoolStore(spoolDirectory, logger), options.Spool!.MaxBytes, options.MaxQueuedDatums, logger, statistics, dropped => memoryFull(this, dropped))
            {
                DeliveredAfterStop = delivered => deliveredAfterStop(this, delivered),
            };
            Queue = Disk;
        }
        else
        {
            Memory = new MemoryDeliveryQueue(options.MaxQueuedDatums, dropped => memoryFull(this, dropped), delivered => deliveredAfterStop(this, delivered));
            Queue = Memory;
        }

        Drainer = new QueueDrainer(Queue, exporter, options, statistics, logger, time);
    }

    /// <summary>"primary", or the secondary exporter's kind: for logs.</summary>
    public string Name { get; }

    public IMetricExporter Exporter { get; }

    /// <summary>This lane's counts (the primary lane's are the registry's).</summary>
    public PipelineStatistics Statistics { get; }

    public IDeliveryQueue Queue { get; }

    public DiskDeliveryQueue? Disk { get; }

    public MemoryDeliveryQueue? Memory { get; }

    public QueueDrainer Drainer { get; }

    /// <summary>Released when a full batch waits, so the lane's loop drains before the flush interval.</summary>
    public SemaphoreSlim Wake { get; } = new(0);

    public Task DrainTask { get; set; } = Task.CompletedTask;

    /// <summary>
    /// Cancels this lane's exports only, when the stop's deadline passes for it: a destination that hangs is cut off
    /// without cutting off the other (linked to the sink's abort, which cancels every lane).
    /// </summary>
    public CancellationTokenSource Abort { get; }

    /// <summary>Datums this lane dropped for a full queue (its warnings are logged at powers of two of it).</summary>
    public long BufferDrops;

    public void Dispose()
    {
        Queue.Dispose();
        Wake.Dispose();
        Abort.Dispose();
    }
}
