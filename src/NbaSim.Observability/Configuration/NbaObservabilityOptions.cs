using Microsoft.Extensions.Options;
using NbaSim.Observability.Configuration.Validators;

namespace NbaSim.Observability;

/// <summary>Settings of NbaSim.Observability, bound from the configuration section <c>NbaObservability</c>.</summary>
public sealed class NbaObservabilityOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "NbaObservability";

    /// <summary>The environment variable that turns the pipeline off when set to <c>1</c> or <c>true</c>, whatever <see cref="Enabled"/> says.</summary>
    public const string DisabledEnvironmentVariable = "NBAOBS_DISABLED";

    /// <summary>Keys of the bound section that are no setting (the binder ignores them), one warning each; not bound.</summary>
    internal IReadOnlyList<string> UnknownSettings { get; set; } = [];

    /// <summary>
    /// Whether anything is recorded and exported. Default true. When false (or <c>NBAOBS_DISABLED=1</c>), recording is a
    /// no-op, <see cref="INbaMetrics.Enqueue(MetricDatum)"/> discards, no exporter is built and no background work starts:
    /// for tests and local runs.
    /// </summary>
    /// <value>The default value is true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Where batches go. Default: <see cref="MetricExporterKind.Emf"/>.</summary>
    /// <value>The default value is <see cref="MetricExporterKind.Emf"/>.</value>
    [DefinedEnum("Exporter", "Emf, CloudWatch or Otlp")]
    public MetricExporterKind Exporter { get; set; } = MetricExporterKind.Emf;

    /// <summary>
    /// A second destination for every datum (dual-write, as CloudWatch's migration guide describes): <c>Otlp</c> beside
    /// <see cref="Exporter"/> <c>CloudWatch</c> or <c>Emf</c>. Each destination has its own delivery queue (and, with a
    /// spool, the directory <c>{Spool:Directory}/secondary</c>), so one's outage never holds the other.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: one destination.</value>
    public MetricExporterKind? SecondaryExporter { get; set; }

    /// <summary>Settings of the EMF exporter.</summary>
    [ValidateObjectMembers]
    public EmfExporterOptions Emf { get; set; } = new();

    /// <summary>Settings of the CloudWatch exporter.</summary>
    [ValidateObjectMembers]
    public CloudWatchExporterOptions CloudWatch { get; set; } = new();

    /// <summary>Settings of the OTLP exporter (<see cref="MetricExporterKind.Otlp"/>).</summary>
    [ValidateObjectMembers]
    public OtlpExporterOptions Otlp { get; set; } = new();

    /// <summary>
    /// Longest time a datum waits in the buffer before it is sent. Closed periods are sent at once; this bounds
    /// datums published directly. Default 10 s; 100 ms to 1 h.
    /// </summary>
    /// <value>The default value is 10 s.</value>
    [SettingRange("FlushInterval", "00:00:00.1", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Aggregation period of standard-resolution series, aligned to UTC. Default 60 s; a whole number of seconds that
    /// divides one hour, at least 60 s (high-resolution series always use 1 s).
    /// </summary>
    /// <value>The default value is 60 s.</value>
    public TimeSpan AggregationPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Aggregate every series per second (StorageResolution 1), not only those created high-resolution. Default false.
    /// High-resolution metrics cost the same per metric but send 60 times more datums; useful for short runs and demos.
    /// </summary>
    /// <value>The default value is false.</value>
    public bool HighResolutionByDefault { get; set; }

    /// <summary>Distinct series allowed per namespace before new ones go to overflow series. Default 2,000; 1 to 1,000,000.</summary>
    /// <value>The default value is 2,000.</value>
    [SettingRange("MaxSeriesPerNamespace", 1, 1_000_000)]
    public int MaxSeriesPerNamespace { get; set; } = 2000;

    /// <summary>Datums the buffer holds before new ones are dropped (and counted). Default 100,000; 1,000 to 10,000,000.</summary>
    /// <value>The default value is 100,000.</value>
    [SettingRange("MaxQueuedDatums", 1_000, 10_000_000)]
    public int MaxQueuedDatums { get; set; } = 100_000;

    /// <summary>Most datums per batch (PutMetricData allows 1,000). Default 1,000; 1 to 1,000.</summary>
    /// <value>The default value is 1,000.</value>
    [SettingRange("MaxDatumsPerBatch", 1, MetricLimits.MaxDatumsPerRequest)]
    public int MaxDatumsPerBatch { get; set; } = MetricLimits.MaxDatumsPerRequest;

    /// <summary>Largest serialized batch in bytes (PutMetricData allows 1 MB). Default 1,000,000; 10,000 to 1,000,000.</summary>
    /// <value>The default value is 1,000,000.</value>
    [SettingRange("MaxBatchBytes", 10_000, MetricLimits.MaxRequestBytes)]
    public int MaxBatchBytes { get; set; } = MetricLimits.MaxRequestBytes;

    /// <summary>
    /// How long stopping the host may spend flushing everything, the open period included. Default 10 s; 0 to 5 min.
    /// <c>AddNbaObservability</c> raises the host's own <c>HostOptions.ShutdownTimeout</c> (30 s by default) to this
    /// plus 5 s when it is shorter, so the host never cuts the final flush short; it never lowers it.
    /// </summary>
    /// <value>The default value is 10 s.</value>
    [SettingRange("ShutdownTimeout", "00:00:00", "00:05:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the collector waits for an observable gauge's callback at the end of a period. A callback that overruns
    /// loses its value for that period (counted and logged) and is not called again until it returns, so one blocked
    /// callback cannot delay the other series or the shutdown. Default 1 s; 10 ms to 30 s.
    /// </summary>
    /// <value>The default value is 1 s.</value>
    [SettingRange("ObservableGaugeTimeout", "00:00:00.01", "00:00:30")]
    public TimeSpan ObservableGaugeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The disk spool (off unless a directory is set).</summary>
    public SpoolOptions Spool { get; set; } = new();

    /// <summary>The S3 inventory publisher.</summary>
    [ValidateObjectMembers]
    public S3InventoryOptions S3Inventory { get; set; } = new();

    /// <summary>The AWS cost publisher.</summary>
    [ValidateObjectMembers]
    public CostPublisherOptions Cost { get; set; } = new();

    /// <summary>The DIMS publisher.</summary>
    public DimsPublisherOptions Dims { get; set; } = new();

    /// <summary>Dashboards, alarms and the alert topic deployed by <c>nbaobs plan/apply</c>.</summary>
    public MonitoringOptions Monitoring { get; set; } = new();

    /// <summary>Schedules of the periodic publishers (all disabled by default).</summary>
    public ScheduleOptions Schedule { get; set; } = new();

    /// <summary>
    /// .NET <see cref="System.Diagnostics.Metrics.Meter"/>s whose instruments are published too (none by default): counters
    /// as sums, up-down counters and gauges as the value at the period's end, histograms as distributions with exact
    /// statistics and percentiles.
    /// </summary>
    /// <value>The default value is an empty list.</value>
    public List<MeterBridgeOptions> Meters { get; set; } = [];
}
