using System.Diagnostics.Metrics;

namespace NbaSim.Observability.Diagnostics;

/// <summary>
/// The library's own health, published through a <see cref="Meter"/> named <c>NbaSim.Observability</c> so that
/// dotnet-counters and OpenTelemetry see it. Instruments are observable: they read counters the pipeline keeps anyway,
/// so self-telemetry adds nothing to the recording path.
/// </summary>
internal sealed class SelfTelemetry : IDisposable
{
    public const string MeterName = "NbaSim.Observability";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public SelfTelemetry(MetricRegistry registry, Func<int> queueDepth, IMeterFactory? meterFactory)
    {
        var stats = registry.Statistics;
        var version = typeof(SelfTelemetry).Assembly.GetName().Version?.ToString();
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName, version) ?? new Meter(MeterName, version);

        _meter.CreateObservableCounter("nbasim.observability.samples.aggregated", () => stats.SamplesAggregated, "{sample}", "Samples aggregated into closed periods.");
        _meter.CreateObservableCounter("nbasim.observability.samples.rejected", () => registry.GetDiagnostics().SamplesRejected, "{sample}", "Samples rejected as NaN, infinite or beyond ±2^360.");
        _meter.CreateObservableCounter("nbasim.observability.samples.overflowed", () => stats.OverflowSamples, "{sample}", "Samples recorded into overflow series past the cardinality limit.");
        _meter.CreateObservableCounter("nbasim.observability.datums.exported", () => stats.DatumsExported, "{datum}", "Datums delivered by the exporter.");
        _meter.CreateObservableCounter("nbasim.observability.batches.exported", () => stats.BatchesExported, "{batch}", "Batches delivered (PutMetricData calls or EMF writes).");
        _meter.CreateObservableCounter("nbasim.observability.bytes.exported", () => stats.BytesExported, "By", "Bytes put on the wire by the exporter.");
        _meter.CreateObservableCounter("nbasim.observability.datums.dropped", () => stats.DatumsDropped, "{datum}", "Datums that could not be delivered (each logged).");
        _meter.CreateObservableCounter("nbasim.observability.export.failures", () => stats.ExportFailures, "{failure}", "Export attempts that failed and were kept for retry.");
        _meter.CreateObservableCounter("nbasim.observability.series.overflowed", () => stats.SeriesOverflowed, "{series}", "Series requests redirected to overflow series.");
        _meter.CreateObservableCounter("nbasim.observability.periods.skipped", () => stats.PeriodsSkipped, "{period}", "Aggregation periods the collector woke too late to close on time (suspended or starved process).");
        _meter.CreateObservableGauge("nbasim.observability.queue.depth", queueDepth, "{datum}", "Datums waiting to be exported.");
        _meter.CreateObservableGauge("nbasim.observability.series.live", () => registry.SeriesCount, "{series}", "Live series.");
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
