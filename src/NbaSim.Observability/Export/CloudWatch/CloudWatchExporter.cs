using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Export.CloudWatch;
using NbaSim.Observability.Internal;

namespace NbaSim.Observability;

/// <summary>
/// Sends batches to CloudWatch with PutMetricData (one namespace per request, within 1,000 datums and 1 MB).
/// What happens to a batch depends on what the error means for the data (<see cref="AwsErrorCategory"/>):
/// transient failures and throttling are retried by AWSSDK.Core with jittered backoff and then left to the sink, which
/// keeps the batch; refused credentials keep the whole batch too (logged loudly once a minute, never bisected); a 413
/// halves the batch and resends; only a per-datum validation error bisects the batch to isolate the datums CloudWatch
/// refuses: the rest is sent, and each refused datum is logged with the service's message and counted.
/// </summary>
public sealed class CloudWatchExporter : IMetricExporter, IDisposable
{
    private readonly ICloudWatchClient _client;
    private readonly ILogger _logger;
    private readonly bool _ownsClient;
    private readonly System.Diagnostics.Metrics.Meter _meter;
    private long _rejected;
    private long _calls;
    private long _bytesBeforeCompression;
    private readonly LogRateLimit _credentialsLog = new(TimeSpan.FromMinutes(1));

    /// <summary>Creates the exporter and its CloudWatch client from <c>NbaObservability:CloudWatch</c>.</summary>
    /// <param name="options">Endpoint, region, protocol, timeouts, retries, compression, concurrency.</param>
    /// <param name="credentials">Credentials; null uses the AWS SDK's default chain.</param>
    /// <param name="logger">Logger for refused datums and refused credentials.</param>
    public CloudWatchExporter(CloudWatchExporterOptions options, Amazon.Runtime.AWSCredentials? credentials = null, ILogger<CloudWatchExporter>? logger = null)
        : this(new CloudWatchClient(credentials, CloudWatchClientFactory.CreateConfig(options ?? throw new ArgumentNullException(nameof(options)))), options.MaxConcurrentRequests, logger, ownsClient: true)
    {
    }

    /// <summary>Creates the exporter over a client (tests, the CLI).</summary>
    /// <param name="client">The CloudWatch client.</param>
    /// <param name="maxConcurrentRequests">PutMetricData requests in flight at most (default 2; 1 to 16, as <c>CloudWatch:MaxConcurrentRequests</c>).</param>
    /// <param name="logger">Logger for refused datums.</param>
    /// <param name="ownsClient">Dispose <paramref name="client"/> with the exporter.</param>
    internal CloudWatchExporter(ICloudWatchClient client, int maxConcurrentRequests = 2, ILogger<CloudWatchExporter>? logger = null, bool ownsClient = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (NbaObservabilityOptionsValidator.CheckMaxConcurrentRequests(maxConcurrentRequests) is { } problem)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(NbaObservabilityOptions), [problem]);
        }

        _client = client;
        _logger = logger ?? NullLogger<CloudWatchExporter>.Instance;
        _ownsClient = ownsClient;
        MaxConcurrentExports = maxConcurrentRequests;

        // The exporter's own health, beside the pipeline's instruments of the same Meter name.
        _meter = new System.Diagnostics.Metrics.Meter(Diagnostics.SelfTelemetry.MeterName);
        _meter.CreateObservableCounter("nbasim.observability.cloudwatch.calls", () => Volatile.Read(ref _calls), "{call}", "PutMetricData calls that succeeded.");
        _meter.CreateObservableCounter("nbasim.observability.cloudwatch.attempts", () => Wire?.Attempts ?? 0, "{request}", "HTTP attempts, retries included.");
        _meter.CreateObservableCounter("nbasim.observability.cloudwatch.retries", () => Math.Max(0, (Wire?.Attempts ?? 0) - Volatile.Read(ref _calls)), "{request}", "Attempts beyond one per successful call (retries and failed attempts).");
        _meter.CreateObservableCounter("nbasim.observability.cloudwatch.bytes.uncompressed", () => Volatile.Read(ref _bytesBeforeCompression), "By", "PutMetricData bodies before gzip.");
        _meter.CreateObservableCounter("nbasim.observability.cloudwatch.bytes.sent", () => Wire?.BytesSent ?? 0, "By", "Bytes on the wire, after gzip, retries included.");
        _meter.CreateObservableCounter("nbasim.observability.cloudwatch.rejected", () => Volatile.Read(ref _rejected), "{datum}", "Datums CloudWatch refused (400) after bisection.");
    }

    /// <inheritdoc />
    public int MaxConcurrentExports { get; }

    internal System.Diagnostics.Metrics.Meter Meter => _meter;

    /// <summary>Datums CloudWatch refused for good so far.</summary>
    public long RejectedDatums => Volatile.Read(ref _rejected);

    /// <summary>The client's wire counters (HTTP attempts incl. retries, bytes after compression), when it is ours.</summary>
    internal WireStatistics? Wire => (_client as AwsServiceClient)?.Counters;

    /// <summary>The protocol the client speaks (JSON 1.0 unless it is our client configured for awsQuery).</summary>
    internal CloudWatchProtocol Protocol => (_client as CloudWatchClient)?.Protocol ?? CloudWatchProtocol.Json;

    /// <summary>The exact bytes <paramref name="datum"/> adds to a JSON 1.0 body; an upper estimate for awsQuery.</summary>
    public int EstimateSize(MetricDatum datum)
        => Protocol == CloudWatchProtocol.Json ? MetricDataJsonWriter.MeasureDatum(datum) : MetricBatchSizer.EstimateQueryBytes(datum);

    /// <summary>The JSON 1.0 body's namespace and brackets; 0 for awsQuery (its estimate per datum already covers the frame).</summary>
    /// <param name="ns">The namespace of the request.</param>
    /// <returns>The fixed bytes of one PutMetricData body for <paramref name="ns"/>.</returns>
    public int EnvelopeSize(string ns)
        => Protocol == CloudWatchProtocol.Json ? MetricDataJsonWriter.EnvelopeBytes(ns) : 0;

    /// <summary>1,000: PutMetricData's limit of datums per request.</summary>
    public int MaxDatumsPerBatch => MetricLimits.MaxDatumsPerRequest;

    /// <inheritdoc />
    public async Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var total = default(ExportResult);
        var handled = 0; // datums delivered or refused for good: never to be sent again
        var groups = ByNamespace(batch);
        for (var g = 0; g < groups.Count; g++)
        {
            var pending = new Queue<List<MetricDatum>>();
            pending.Enqueue(groups[g].Datums);
            while (pending.Count > 0)
            {
                var part = pending.Dequeue();
                try
                {
                    var request = new PutMetricDataRequest(groups[g].Namespace, part);
                    await _client.PutMetricDataAsync(request, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _calls);
                    Interlocked.Add(ref _bytesBeforeCompression, request.MarshalledBytes);
                    total = total.Plus(new ExportResult(1, request.MarshalledBytes));
                    handled += part.Count;
                }
                catch (AwsApiException ex) when (ex.Category == AwsErrorCategory.Validation)
                {
                    total = total.Plus(new ExportResult(1, 0));
                    if (part.Count == 1)
                    {
                        Interlocked.Increment(ref _rejected);
                        total = total.Plus(new ExportResult(0, 0, 1));
                        handled++;
                        Log.DatumRejected(_logger, part[0].ToString(), ex.ErrorCode, ex.Message);
                        continue;
                    }

                    // Bisect: halves that pass are sent, the offending datums end up alone and are reported.
                    var half = part.Count / 2;
                    pending.Enqueue(part.GetRange(0, half));
                    pending.Enqueue(part.GetRange(half, part.Count - half));
                }
                catch (AwsApiException ex) when (ex.Category == AwsErrorCategory.RequestTooLarge && part.Count > 1)
                {
                    // Too large for one request: send it in halves. Nothing is dropped for its size.
                    total = total.Plus(new ExportResult(1, 0));
                    var half = part.Count / 2;
                    var rest = pending.ToList();
                    pending.Clear();
                    pending.Enqueue(part.GetRange(0, half));
                    pending.Enqueue(part.GetRange(half, part.Count - half));
                    foreach (var p in rest)
                    {
                        pending.Enqueue(p);
                    }
                }
                catch (Exception ex)
                {
                    if (ex is AwsApiException { Category: AwsErrorCategory.Credentials } refused)
                    {
                        ReportCredentialsRefused(refused, batch.Count - handled);
                    }

                    if (handled == 0)
                    {
                        throw;
                    }

                    // Something was delivered: hand back only what was not, so nothing is sent twice.
                    var undelivered = part.Concat(pending.SelectMany(p => p)).Concat(groups.Skip(g + 1).SelectMany(x => x.Datums)).ToList();
                    return ExportResult.Partial(total, undelivered, ex);
                }
            }
        }

        return total;
    }

    /// <summary>
    /// The batch by namespace, in first-seen order, copied. The pipeline's batches hold one namespace already (the batch
    /// builder grouped them): that case is checked in one pass and not grouped again.
    /// </summary>
    private static List<(string Namespace, List<MetricDatum> Datums)> ByNamespace(IReadOnlyList<MetricDatum> batch)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        var first = batch[0].Namespace;
        var single = true;
        for (var i = 1; i < batch.Count && single; i++)
        {
            single = string.Equals(batch[i].Namespace, first, StringComparison.Ordinal);
        }

        return single
            ? [(first, [.. batch])] // a copy: the caller's list may change while this export awaits
            : batch.GroupBy(d => d.Namespace, StringComparer.Ordinal).Select(g => (g.Key, g.ToList())).ToList();
    }

    /// <summary>Credentials refused: every datum is kept, and the operator is told loudly, at most once a minute.</summary>
    private void ReportCredentialsRefused(AwsApiException error, int kept)
    {
        if (_credentialsLog.TryEnter())
        {
            Log.CredentialsRefused(_logger, error.ErrorCode, (int)error.StatusCode, kept);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _meter.Dispose();
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }
}
