using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.Otlp;
using NbaSim.Observability.Aws.Protocol;
using NbaSim.Observability.Export.Otlp;
using NbaSim.Observability.Internal;

namespace NbaSim.Observability;

/// <summary>
/// Sends batches as OTLP/HTTP protobuf (gzip, SigV4 for service <c>monitoring</c>, or a bearer token) to CloudWatch's
/// OpenTelemetry metrics endpoint. Counters become monotonic Sums, gauges Gauges, distributions base-2 exponential
/// histograms with exact count, sum, min and max; all cumulative, so a lost or repeated request changes nothing the next
/// one does not repair (docs/api.md says why). Limits are checked before sending; each answer goes through the same table
/// as Classic: throttling and outages keep the batch (honouring <c>Retry-After</c>), refused credentials keep it and are
/// logged once a minute, a 400 isolates the refused points (counted and logged), <c>partial_success</c> is counted and logged.
/// </summary>
public sealed class OtlpExporter : IMetricExporter, IDisposable
{
    private readonly OtlpClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly bool _compress;
    private readonly byte[] _resource;
    private readonly int _resourceLabels;
    private readonly int _resourceLabelBytes;
    private readonly OtlpCumulativeState _state = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly System.Diagnostics.Metrics.Meter _meter;

    // Reused by every export (one at a time, under _gate): no per-request allocation once warm.
    private readonly List<OtlpSeries> _touched = [];
    private readonly List<OtlpMetric> _chunk = [];
    private readonly List<OtlpSeries> _chunkSeries = [];
    private readonly List<(MetricDatum Datum, OtlpSeries Series)> _absorbedInto = [];
    private int _requestId;
    private long _rejected;
    private long _calls;
    private long _pointsSent;
    private long _bytesUncompressed;
    private readonly LogRateLimit _credentialsLog;
    private DateTimeOffset _notBefore;

    /// <summary>Creates the exporter and its client from <c>NbaObservability:Otlp</c>.</summary>
    /// <param name="options">Endpoint, region, token, timeouts, retries, compression.</param>
    /// <param name="credentials">Credentials; null uses the AWS SDK's default chain.</param>
    /// <param name="logger">Logger for refused points and refused credentials.</param>
    /// <param name="timeProvider">Clock of the limits and of Retry-After; the system clock when null.</param>
    public OtlpExporter(OtlpExporterOptions options, Amazon.Runtime.AWSCredentials? credentials = null, ILogger<OtlpExporter>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = new OtlpClient(credentials, OtlpClientFactory.CreateConfig(options));
        _logger = logger ?? NullLogger<OtlpExporter>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _credentialsLog = new LogRateLimit(TimeSpan.FromMinutes(1), _time);
        _compress = !options.DisableCompression;

        // The resource: who sent the points. service.instance.id tells apart processes that send the same series,
        // which cumulative points need (two processes' totals must not interleave in one series).
        KeyValuePair<string, string>[] resource =
        [
            new("service.name", options.ServiceName is { Length: > 0 } name ? name : Assembly.GetEntryAssembly()?.GetName().Name ?? "unknown_service"),
            new("service.instance.id", Guid.NewGuid().ToString()),
            new("telemetry.sdk.name", "nbasim.observability"),
            new("telemetry.sdk.language", "dotnet"),
        ];
        _resource = OtlpRequestWriter.Resource(resource);
        _resourceLabels = resource.Length;
        _resourceLabelBytes = resource.Sum(a => System.Text.Encoding.UTF8.GetByteCount(a.Key) + System.Text.Encoding.UTF8.GetByteCount(a.Value));

        _meter = new System.Diagnostics.Metrics.Meter(Diagnostics.SelfTelemetry.MeterName);
        _meter.CreateObservableCounter("nbasim.observability.otlp.calls", () => Volatile.Read(ref _calls), "{call}", "OTLP exports that succeeded.");
        _meter.CreateObservableCounter("nbasim.observability.otlp.points", () => Volatile.Read(ref _pointsSent), "{point}", "Data points sent.");
        _meter.CreateObservableCounter("nbasim.observability.otlp.bytes.uncompressed", () => Volatile.Read(ref _bytesUncompressed), "By", "Request bodies before gzip (what the endpoint bills).");
        _meter.CreateObservableCounter("nbasim.observability.otlp.bytes.sent", () => _client.Counters.BytesSent, "By", "Bytes on the wire, after gzip, retries included.");
        _meter.CreateObservableCounter("nbasim.observability.otlp.rejected", () => Volatile.Read(ref _rejected), "{point}", "Points the endpoint refused or that broke its limits.");
    }

    /// <summary>1: the cumulative points of one series must arrive in order, so requests go one at a time.</summary>
    public int MaxConcurrentExports => 1;

    /// <summary>1,000: the endpoint's limit of data points per request (a datum adds at most one point).</summary>
    public int MaxDatumsPerBatch => OtlpLimits.MaxPointsPerRequest;

    /// <summary>
    /// True: the pipeline need not merge rollups for this exporter. A rollup is a sum over some dimensions, which PromQL
    /// computes itself (<c>sum by</c>); a merged rollup datum that reaches this exporter anyway (dual-write beside
    /// Classic) is skipped, never sent as a series of its own.
    /// </summary>
    public bool PublishesRollupsAsDimensionSets => true;

    /// <summary>Points refused for good so far (by the endpoint, or for a limit).</summary>
    public long RejectedPoints => Volatile.Read(ref _rejected);

    /// <summary>Data points sent so far.</summary>
    public long PointsSent => Volatile.Read(ref _pointsSent);

    /// <summary>Request bodies sent so far, in bytes before gzip: what the endpoint bills per GB.</summary>
    public long BytesUncompressed => Volatile.Read(ref _bytesUncompressed);

    /// <summary>The client's wire counters.</summary>
    internal WireStatistics Wire => _client.Counters;

    /// <summary>Series known to the cumulative state.</summary>
    internal int SeriesCount => _state.SeriesCount;

    /// <summary>
    /// An upper estimate of the bytes the datum's point adds: its attributes and, for a distribution, up to three
    /// buckets of up to 5 bytes per value (the cumulative point of its series may hold more; the request is cut by its
    /// real size).
    /// </summary>
    public int EstimateSize(MetricDatum datum)
    {
        ArgumentNullException.ThrowIfNull(datum);
        var size = 96 + datum.MetricName.Length;
        foreach (var d in datum.RawDimensions)
        {
            size += 8 + (3 * (d.Name.Length + d.Value.Length)); // UTF-16 chars to at most 3 UTF-8 bytes each
        }

        return size + ((datum.RawValues?.Length ?? 0) * 15);
    }

    /// <summary>The resource and the scope (the namespace) around the points.</summary>
    public int EnvelopeSize(string ns) => _resource.Length + 16 + ((ns?.Length ?? 0) * 3);

    /// <inheritdoc />
    public async Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var wait = _notBefore - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                // The endpoint said when to come back (Retry-After): sending earlier would only be throttled again.
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }

            var now = _time.GetUtcNow();
            int rejected;
            try
            {
                rejected = Absorb(batch, now);
            }
            catch
            {
                // Whatever was absorbed before the failure is taken back: the pipeline keeps the batch, and a retry must
                // find the series as they were.
                foreach (var series in _touched)
                {
                    series.Rollback();
                }

                throw;
            }

            var total = new ExportResult(0, 0, rejected);
            Exception? failure = null;
            try
            {
                var start = 0;
                while (start < _touched.Count)
                {
                    var end = NextChunk(start);
                    total = total.Plus(await SendAsync(start, end, cancellationToken).ConfigureAwait(false));
                    start = end;
                }
            }
            catch (Exception ex)
            {
                failure = ex;
                if (ex is AwsApiException { Category: AwsErrorCategory.Throttling, RetryAfter: { } after })
                {
                    _notBefore = _time.GetUtcNow() + after;
                }

                if (ex is AwsApiException { Category: AwsErrorCategory.Credentials } refused)
                {
                    ReportCredentialsRefused(refused, batch.Count);
                }
            }

            // Each series keeps what this export absorbed only if its point was delivered. The others are as before the
            // export: their datums are handed back (or were counted as refused), so no later point carries samples
            // that were counted as dropped, and a retry absorbs them again.
            var settled = false;
            foreach (var series in _touched)
            {
                if (series.Delivered)
                {
                    series.Commit();
                }
                else
                {
                    series.Rollback();
                }

                settled |= series.Delivered || series.Refused;
            }

            // Each datum is judged by the series it was absorbed into.
            List<MetricDatum>? undelivered = null;
            foreach (var (datum, series) in _absorbedInto)
            {
                if (!series.Delivered && !series.Refused)
                {
                    (undelivered ??= []).Add(datum);
                }
            }

            if (failure is null)
            {
                return total;
            }

            if (!settled)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure); // nothing delivered or refused: the pipeline keeps the batch
            }

            // Part was delivered (or refused and counted): only the rest is handed back, so nothing is sent or counted twice.
            return ExportResult.Partial(total, undelivered ?? [], failure);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Absorbs the batch into the cumulative state and lists the series to send; returns the datums refused for a limit.</summary>
    private int Absorb(IReadOnlyList<MetricDatum> batch, DateTimeOffset now)
    {
        _requestId++;
        _touched.Clear();
        _absorbedInto.Clear();
        var rejected = 0;

        // Kinds first: a datum that knows its series' kind settles it before a datum without one (an older spool file's,
        // a caller's) is absorbed, whatever their order in the batch; one name never goes out as two types.
        foreach (var datum in batch)
        {
            if (datum.Kind is not null && !datum.IsMergedRollup && LimitBroken(datum, now) is null)
            {
                _state.SeriesOf(datum);
            }
        }

        foreach (var datum in batch)
        {
            if (datum.IsMergedRollup)
            {
                continue; // delivered as far as this path goes: PromQL sums the detailed series itself
            }

            if (LimitBroken(datum, now) is { } reason)
            {
                // Checked before the series exists: a refused datum leaves nothing behind.
                rejected++;
                Interlocked.Increment(ref _rejected);
                Log.OtlpLimitBroken(_logger, datum.ToString(), reason);
                continue;
            }

            var series = _state.SeriesOf(datum);
            if (series.PendingIn != _requestId)
            {
                series.PendingIn = _requestId;
                series.Begin();
                _touched.Add(series);
            }

            series.PendingDatums++;
            _state.Absorb(datum, now);
            _absorbedInto.Add((datum, series));
        }

        // Series of one metric side by side: one Metric message each per request.
        _touched.Sort(SeriesOrder.Instance);
        return rejected;
    }

    /// <summary>The limit <paramref name="datum"/> breaks, in words that name it; null when it breaks none.</summary>
    private string? LimitBroken(MetricDatum datum, DateTimeOffset now)
    {
        // CloudWatch flattens the metric's name and the scope's name into labels too: counted, as the limit may count them.
        var dimensions = datum.RawDimensions;
        var labels = _resourceLabels + dimensions.Length + 2;
        if (labels > OtlpLimits.MaxLabelsPerPoint)
        {
            return $"its point would have {labels} labels (resource {_resourceLabels} + dimensions {dimensions.Length} + name and scope); the endpoint allows {OtlpLimits.MaxLabelsPerPoint} per point";
        }

        var labelBytes = _resourceLabelBytes + System.Text.Encoding.UTF8.GetByteCount(datum.Namespace) + System.Text.Encoding.UTF8.GetByteCount(datum.MetricName);
        foreach (var d in dimensions)
        {
            if (OtlpLimits.ReservedLabel(d.Name) is { } reserved)
            {
                return reserved;
            }

            labelBytes += System.Text.Encoding.UTF8.GetByteCount(d.Name) + System.Text.Encoding.UTF8.GetByteCount(d.Value);
        }

        if (labelBytes > OtlpLimits.MaxLabelBytesPerPoint)
        {
            return $"its labels are {labelBytes} bytes (names and values, resource included); the endpoint allows {OtlpLimits.MaxLabelBytesPerPoint} per point";
        }

        if (datum.Timestamp < now - OtlpLimits.MaxAge)
        {
            return $"its timestamp {datum.Timestamp.UtcDateTime:O} is more than {OtlpLimits.MaxAge.TotalDays} days old; the endpoint accepts {OtlpLimits.MaxAge.TotalDays} days at most";
        }

        if (datum.Timestamp > now + OtlpLimits.MaxFuture)
        {
            return $"its timestamp {datum.Timestamp.UtcDateTime:O} is more than {OtlpLimits.MaxFuture.TotalMinutes} minutes ahead of this clock; the endpoint accepts {OtlpLimits.MaxFuture.TotalMinutes} minutes at most";
        }

        return null;
    }

    /// <summary>The end of the chunk from <paramref name="start"/>: at most 1,000 points and 1 MB, metrics kept whole where they fit.</summary>
    private int NextChunk(int start)
    {
        var ns = _touched[start].Metric.Namespace;
        var bytes = _resource.Length + 64 + (ns.Length * 3);
        OtlpMetric? metric = null;
        var end = start;
        while (end < _touched.Count && end - start < OtlpLimits.MaxPointsPerRequest)
        {
            var series = _touched[end];
            if (!string.Equals(series.Metric.Namespace, ns, StringComparison.Ordinal))
            {
                break; // one namespace, one scope, per request
            }

            var size = ProtobufWriter.SizeOfDelimited(1, OtlpRequestWriter.SizeOfPoint(series));
            if (!ReferenceEquals(series.Metric, metric))
            {
                size += 32 + (series.Metric.Name.Length * 3);
            }

            if (end > start && bytes + size > OtlpLimits.MaxRequestBytes)
            {
                break;
            }

            bytes += size;
            metric = series.Metric;
            end++;
        }

        return end;
    }

    /// <summary>Sends _touched[start..end) as one request; a 400 or 413 splits it to isolate what the endpoint refuses.</summary>
    private async Task<ExportResult> SendAsync(int start, int end, CancellationToken cancellationToken)
    {
        _chunkSeries.Clear();
        for (var i = start; i < end; i++)
        {
            _chunkSeries.Add(_touched[i]);
        }

        return await SendSeriesAsync(_chunkSeries, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ExportResult> SendSeriesAsync(List<OtlpSeries> series, CancellationToken cancellationToken)
    {
        var body = BodyBuffers.Rent();
        try
        {
            var length = Serialize(series, body);
            if (length > OtlpLimits.MaxRequestBytes)
            {
                if (series.Count == 1)
                {
                    return Refused(series[0], 0, $"its point is {length} bytes; the endpoint allows {OtlpLimits.MaxRequestBytes} per request");
                }

                return await HalvesAsync(series, cancellationToken).ConfigureAwait(false);
            }

            var request = new OtlpExportRequest(body, _compress);
            OtlpExportResponse response;
            try
            {
                response = await _client.ExportAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsApiException ex) when ((int)ex.StatusCode is 400 or 413 || ex.Category == AwsErrorCategory.Validation)
            {
                if (series.Count == 1)
                {
                    return new ExportResult(1, 0).Plus(Refused(series[0], (int)ex.StatusCode, ex.Message));
                }

                return new ExportResult(1, 0).Plus(await HalvesAsync(series, cancellationToken).ConfigureAwait(false));
            }

            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _bytesUncompressed, length);
            var rejected = 0;
            if (response.RejectedDataPoints > 0 && (series.Count == 1 || response.RejectedDataPoints >= series.Count))
            {
                // Every point of the request was rejected (partial_success names how many, not which): as a 400, the
                // series are refused, their datums counted, and nothing of them stays in the totals.
                Log.OtlpPartialSuccess(_logger, response.RejectedDataPoints, response.ErrorMessage ?? "(no message)");
                foreach (var refused in series)
                {
                    refused.Refused = true;
                    rejected += refused.PendingDatums;
                }

                Interlocked.Add(ref _rejected, series.Count);
                return new ExportResult(1, request.WireBytes, rejected);
            }

            foreach (var delivered in series)
            {
                delivered.Delivered = true;
            }

            Interlocked.Add(ref _pointsSent, series.Count);
            if (response.RejectedDataPoints > 0)
            {
                // Some points of several were rejected, and the answer does not say which: counted and logged as points;
                // the datums are not counted as dropped, since the next point of each series carries its totals again.
                Interlocked.Add(ref _rejected, Math.Min(response.RejectedDataPoints, series.Count));
                Log.OtlpPartialSuccess(_logger, response.RejectedDataPoints, response.ErrorMessage ?? "(no message)");
            }

            return new ExportResult(1, request.WireBytes, rejected);
        }
        finally
        {
            BodyBuffers.Return(body);
        }
    }

    private async Task<ExportResult> HalvesAsync(List<OtlpSeries> series, CancellationToken cancellationToken)
    {
        var half = series.Count / 2;
        var first = await SendSeriesAsync(series.GetRange(0, half), cancellationToken).ConfigureAwait(false);
        return first.Plus(await SendSeriesAsync(series.GetRange(half, series.Count - half), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The endpoint refused the series for good: every datum of it in this batch is counted (and rolled back, not delivered later).</summary>
    private ExportResult Refused(OtlpSeries series, int status, string message)
    {
        series.Refused = true;
        Interlocked.Increment(ref _rejected);
        Log.OtlpPointRejected(_logger, $"{series.Metric.Namespace}/{series.Metric.Name}{{{string.Join(",", series.Dimensions)}}} ({series.PendingDatums} datum(s))", status, message);
        return new ExportResult(0, 0, series.PendingDatums);
    }

    /// <summary>Writes the request for <paramref name="series"/> (sorted by metric) into <paramref name="body"/>; returns its length.</summary>
    internal int Serialize(List<OtlpSeries> series, Utf8BodyWriter body)
    {
        _chunk.Clear();
        OtlpMetric? metric = null;
        foreach (var s in series)
        {
            OtlpRequestWriter.SizeOfPoint(s);
            if (!ReferenceEquals(s.Metric, metric))
            {
                metric = s.Metric;
                metric.Pending.Clear();
                _chunk.Add(metric);
            }

            metric.Pending.Add(s);
        }

        var ns = series.Count == 0 ? string.Empty : series[0].Metric.Namespace;
        var length = OtlpRequestWriter.SizeOfRequest(_resource, ns, _chunk, out var resourceMetrics, out var scopeMetrics);
        if (length <= OtlpLimits.MaxRequestBytes)
        {
            OtlpRequestWriter.Write(body, _resource, ns, _chunk, resourceMetrics, scopeMetrics);
            Debug.Assert(body.Length == length, "the size pass and the write agree");
        }

        return length;
    }

    /// <summary>Absorbs <paramref name="batch"/> and writes its request without sending it (tests, benchmarks, the cost report).</summary>
    internal int SerializeBatch(IReadOnlyList<MetricDatum> batch, Utf8BodyWriter body)
    {
        Absorb(batch, _time.GetUtcNow());
        var length = Serialize(_touched, body);
        foreach (var series in _touched)
        {
            series.Commit();
        }

        return length;
    }

    /// <summary>Writes again the request of the series the last batch touched (the serializer alone, for benchmarks).</summary>
    internal int SerializeTouched(Utf8BodyWriter body) => Serialize(_touched, body);

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
        _client.Dispose();
        _gate.Dispose();
    }

    /// <summary>By namespace, metric name and kind, keeping each metric's series together.</summary>
    private sealed class SeriesOrder : IComparer<OtlpSeries>
    {
        public static readonly SeriesOrder Instance = new();

        public int Compare(OtlpSeries? x, OtlpSeries? y)
        {
            var byNamespace = string.CompareOrdinal(x!.Metric.Namespace, y!.Metric.Namespace);
            if (byNamespace != 0)
            {
                return byNamespace;
            }

            var byName = string.CompareOrdinal(x.Metric.Name, y!.Metric.Name);
            return byName != 0 ? byName : x.Metric.Kind.CompareTo(y.Metric.Kind);
        }
    }
}
