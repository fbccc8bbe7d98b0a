namespace NbaSim.Observability;

/// <summary>Which exporter receives the batches.</summary>
public enum MetricExporterKind
{
    /// <summary>CloudWatch Embedded Metric Format lines (stdout, a file, or the CloudWatch agent). Needs no AWS account.</summary>
    Emf,
    /// <summary>CloudWatch <c>PutMetricData</c>.</summary>
    CloudWatch,
}

/// <summary>Settings of NbaSim.Observability, bound from the configuration section <c>NbaObservability</c>.</summary>
public sealed class NbaObservabilityOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "NbaObservability";

    /// <summary>The environment variable that turns the pipeline off when set to <c>1</c> or <c>true</c>, whatever <see cref="Enabled"/> says.</summary>
    public const string DisabledEnvironmentVariable = "NBAOBS_DISABLED";

    /// <summary>
    /// Whether anything is recorded and exported. Default true. When false (or <c>NBAOBS_DISABLED=1</c>), recording is a
    /// no-op, <see cref="INbaMetrics.Enqueue(MetricDatum)"/> discards, no exporter is built and no background work starts:
    /// for tests and local runs.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where batches go. Default: <see cref="MetricExporterKind.Emf"/>.</summary>
    public MetricExporterKind Exporter { get; set; } = MetricExporterKind.Emf;

    /// <summary>Settings of the EMF exporter.</summary>
    public EmfExporterOptions Emf { get; set; } = new();

    /// <summary>Settings of the CloudWatch exporter.</summary>
    public CloudWatchExporterOptions CloudWatch { get; set; } = new();

    /// <summary>
    /// Longest time a datum waits in the buffer before it is sent. Closed periods are sent at once; this bounds
    /// datums published directly. Default 10 s; 100 ms to 1 h.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Aggregation period of standard-resolution series, aligned to UTC. Default 60 s; a whole number of seconds that
    /// divides one hour, at least 60 s (high-resolution series always use 1 s).
    /// </summary>
    public TimeSpan AggregationPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Aggregate every series per second (StorageResolution 1), not only those created high-resolution. Default false.
    /// High-resolution metrics cost the same per metric but send 60 times more datums; useful for short runs and demos.
    /// </summary>
    public bool HighResolutionByDefault { get; set; }

    /// <summary>Distinct series allowed per namespace before new ones go to overflow series. Default 2,000; 1 to 1,000,000.</summary>
    public int MaxSeriesPerNamespace { get; set; } = 2000;

    /// <summary>Datums the buffer holds before new ones are dropped (and counted). Default 100,000; 1,000 to 10,000,000.</summary>
    public int MaxQueuedDatums { get; set; } = 100_000;

    /// <summary>Most datums per batch (PutMetricData allows 1,000). Default 1,000; 1 to 1,000.</summary>
    public int MaxDatumsPerBatch { get; set; } = MetricLimits.MaxDatumsPerRequest;

    /// <summary>Largest serialized batch in bytes (PutMetricData allows 1 MB). Default 1,000,000; 10,000 to 1,000,000.</summary>
    public int MaxBatchBytes { get; set; } = MetricLimits.MaxRequestBytes;

    /// <summary>
    /// How long stopping the host may spend flushing everything, the open period included. Default 10 s; 0 to 5 min.
    /// <c>AddNbaObservability</c> raises the host's own <c>HostOptions.ShutdownTimeout</c> (30 s by default) to this
    /// plus 5 s when it is shorter, so the host never cuts the final flush short; it never lowers it.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the collector waits for an observable gauge's callback at the end of a period. A callback that overruns
    /// loses its value for that period (counted and logged) and is not called again until it returns, so one blocked
    /// callback cannot delay the other series or the shutdown. Default 1 s; 10 ms to 30 s.
    /// </summary>
    public TimeSpan ObservableGaugeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The disk spool (off unless a directory is set).</summary>
    public SpoolOptions Spool { get; set; } = new();

    /// <summary>The S3 inventory publisher.</summary>
    public S3InventoryOptions S3Inventory { get; set; } = new();

    /// <summary>The AWS cost publisher.</summary>
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
    public List<MeterBridgeOptions> Meters { get; set; } = [];
}

/// <summary>One entry of <c>NbaObservability:Meters</c>: which meter's instruments become which series.</summary>
public sealed class MeterBridgeOptions
{
    /// <summary>The namespace series go to when none is given.</summary>
    public const string DefaultNamespace = "NBA-Simulator/Runtime";

    /// <summary>A meter name (<c>System.Net.Http</c>), or a prefix ending in <c>*</c> (<c>MyCompany.*</c>).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The CloudWatch namespace of the series. Default <c>NBA-Simulator/Runtime</c>.</summary>
    public string Namespace { get; set; } = DefaultNamespace;

    /// <summary>Instrument names to publish; empty publishes every instrument of the meter.</summary>
    public List<string> Instruments { get; set; } = [];

    /// <summary>
    /// Tag keys kept as dimensions (at most 30). Default none: the series aggregates over all tags. Tags are never all
    /// kept implicitly: every distinct combination of kept values is a custom metric, and custom metrics are billed.
    /// </summary>
    public List<string> Dimensions { get; set; } = [];
}

/// <summary>
/// A write-ahead disk spool: with a directory set, every batch is on disk before it is exported and deleted only once
/// the exporter accepted it, so outages and crashes lose no closed period; the next process replays what is left.
/// </summary>
public sealed class SpoolOptions
{
    /// <summary>Directory of the spool files (created, readable by the owner only). Default: none (spool off).</summary>
    public string? Directory { get; set; }

    /// <summary>Cap of the spool; past it the oldest files are dropped, counted and logged. Default 256 MB; 1 MB to 100 GB.</summary>
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;
}

/// <summary>Where EMF lines are written.</summary>
public sealed class EmfExporterOptions
{
    /// <summary>File to append EMF lines to; <c>-</c> or empty for standard output. Ignored when <see cref="AgentEndpoint"/> is set.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// The CloudWatch agent's EMF listener, <c>tcp://host:port</c> or <c>udp://host:port</c> (the agent listens on 25888).
    /// When set, lines go to the agent instead of <see cref="Path"/>.
    /// </summary>
    public string? AgentEndpoint { get; set; }

    /// <summary>
    /// How metric values are written: <see cref="EmfFormat.Exact"/> (objects with exact statistics, as AWS's
    /// <c>awsemfexporter</c> writes them) or <see cref="EmfFormat.Strict"/> (only the published specification's numbers and
    /// arrays; see what each loses on <see cref="EmfFormat"/>).
    /// </summary>
    /// <value>The default value is <see cref="EmfFormat.Exact"/>.</value>
    public EmfFormat Format { get; set; } = EmfFormat.Exact;
}

/// <summary>Settings of the CloudWatch (PutMetricData) exporter.</summary>
public sealed class CloudWatchExporterOptions
{
    /// <summary>Endpoint override, e.g. a LocalStack or moto server (<c>http://127.0.0.1:5000</c>). Default: the regional endpoint.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>AWS region, e.g. <c>us-east-1</c>. Default: the SDK's region resolution (environment, profile, instance metadata).</summary>
    public string? Region { get; set; }

    /// <summary>PutMetricData requests in flight at most. Default 2; 1 to 16.</summary>
    public int MaxConcurrentRequests { get; set; } = 2;

    /// <summary>Timeout of one HTTP attempt. Default 30 s; 1 s to 5 min.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries per request after the first attempt (standard mode: jittered exponential backoff). Default 3; 0 to 10.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Bodies of this many bytes or more are gzip-compressed. Default 10,240 (as the AWS SDKs); 0 to 10,485,760.</summary>
    public int CompressionThresholdBytes { get; set; } = 10_240;

    /// <summary>Send bodies uncompressed.</summary>
    public bool DisableCompression { get; set; }

    /// <summary>
    /// The wire protocol: <see cref="CloudWatchProtocol.Json"/> (default; AWS JSON 1.0, as the current AWS SDKs send it)
    /// or <see cref="CloudWatchProtocol.Query"/> (form-encoded awsQuery).
    /// </summary>
    public CloudWatchProtocol Protocol { get; set; } = CloudWatchProtocol.Json;
}

/// <summary>How requests to CloudWatch are encoded.</summary>
public enum CloudWatchProtocol
{
    /// <summary>AWS JSON 1.0 (<c>X-Amz-Target: GraniteServiceVersion20100801.*</c>): about half the bytes of awsQuery for distributions.</summary>
    Json,

    /// <summary>awsQuery: form-encoded parameters, XML responses.</summary>
    Query,
}
