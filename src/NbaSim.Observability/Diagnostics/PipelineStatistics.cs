namespace NbaSim.Observability.Diagnostics;

/// <summary>Counters shared by the registry, the sink and the exporters; read by diagnostics and the self-telemetry Meter.</summary>
internal sealed class PipelineStatistics
{
    private long _samplesAggregated;
    private long _seriesOverflowed;
    private long _overflowSamples;
    private long _datumsExported;
    private long _batchesExported;
    private long _bytesExported;
    private long _datumsDropped;
    private long _exportFailures;
    private long _periodsSkipped;
    private long _samplesRefused;
    private long _samplesLeftBehind;

    public long SamplesAggregated => Volatile.Read(ref _samplesAggregated);
    public long SeriesOverflowed => Volatile.Read(ref _seriesOverflowed);
    public long OverflowSamples => Volatile.Read(ref _overflowSamples);
    public long DatumsExported => Volatile.Read(ref _datumsExported);
    public long BatchesExported => Volatile.Read(ref _batchesExported);
    public long BytesExported => Volatile.Read(ref _bytesExported);
    public long DatumsDropped => Volatile.Read(ref _datumsDropped);
    public long ExportFailures => Volatile.Read(ref _exportFailures);
    public long PeriodsSkipped => Volatile.Read(ref _periodsSkipped);

    /// <summary>Samples that had no series to go to (a bridged measurement whose series was refused); part of SamplesRejected.</summary>
    public long SamplesRefused => Volatile.Read(ref _samplesRefused);

    /// <summary>Samples the stop's final collection left in the cells of threads stalled inside a recording: not sent.</summary>
    public long SamplesLeftBehind => Volatile.Read(ref _samplesLeftBehind);

    public void LeaveBehind(long samples) => Interlocked.Add(ref _samplesLeftBehind, samples);

    public void RefuseSamples(long count) => Interlocked.Add(ref _samplesRefused, count);
    public void SkippedPeriods(long periods) => Interlocked.Add(ref _periodsSkipped, periods);

    public void AddSamples(long count) => Interlocked.Add(ref _samplesAggregated, count);
    public void AddOverflowSamples(long count) => Interlocked.Add(ref _overflowSamples, count);
    public void SeriesOverflow() => Interlocked.Increment(ref _seriesOverflowed);
    /// <summary>Counts a delivered batch; <paramref name="requests"/> is the PutMetricData calls (or writes) it took.</summary>
    public void Exported(int datums, long bytes, int requests)
    {
        Interlocked.Add(ref _datumsExported, datums);
        Interlocked.Add(ref _batchesExported, Math.Max(1, requests));
        Interlocked.Add(ref _bytesExported, bytes);
    }

    public void Dropped(long datums) => Interlocked.Add(ref _datumsDropped, datums);
    public void ExportFailed() => Interlocked.Increment(ref _exportFailures);

    /// <summary>Why the latest export failed, in one line (no credentials: the service's message or the socket error).</summary>
    public string? LastExportError { get; private set; }

    public void ExportFailed(Exception error)
    {
        ExportFailed();
        var inner = error;
        LastExportError = inner is Aws.AwsApiException api
            ? $"{api.ErrorCode} (HTTP {(int)api.StatusCode}): {api.Message}"
            : $"{inner.GetBaseException().Message}";
    }
}
