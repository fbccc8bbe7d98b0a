namespace NbaSim.Observability;

/// <summary>
/// Delivers batches of aggregated datums to one destination (EMF lines, PutMetricData, …). The pipeline asks the
/// exporter what shapes a batch and what the destination does with rollups; it never checks the exporter's type, so an
/// exporter written outside this library plugs in with nothing else to change.
/// </summary>
/// <remarks>
/// A batch holds at most the smaller of <see cref="MaxDatumsPerBatch"/> and
/// <see cref="NbaObservabilityOptions.MaxDatumsPerBatch"/> datums and, measured by <see cref="EstimateSize(MetricDatum)"/>
/// plus <see cref="EnvelopeSize(string)"/> for each namespace in it, at most
/// <see cref="NbaObservabilityOptions.MaxBatchBytes"/>. The pipeline calls <see cref="ExportAsync"/> for at most
/// <see cref="MaxConcurrentExports"/> batches at once.
/// </remarks>
public interface IMetricExporter
{
    /// <summary>Bytes <paramref name="datum"/> adds to a serialized batch (an upper estimate is fine, an exact size is best).</summary>
    /// <param name="datum">The datum.</param>
    /// <returns>Its size in the destination's encoding.</returns>
    int EstimateSize(MetricDatum datum);

    /// <summary>
    /// Bytes one request spends around the datums of namespace <paramref name="ns"/> (a JSON body's namespace and
    /// brackets). The default value is 0.
    /// </summary>
    /// <param name="ns">The namespace.</param>
    /// <returns>The fixed bytes of a request for that namespace.</returns>
    int EnvelopeSize(string ns) => 0;

    /// <summary>
    /// The most datums one <see cref="ExportAsync"/> call may carry, the destination's own limit (PutMetricData: 1,000).
    /// The default value is <see cref="int.MaxValue"/>: the pipeline's <see cref="NbaObservabilityOptions.MaxDatumsPerBatch"/> applies alone.
    /// </summary>
    int MaxDatumsPerBatch => int.MaxValue;

    /// <summary>
    /// True when the exporter publishes a datum's rollup (<see cref="SeriesOptions.RollupWithout"/>) itself, as a second
    /// dimension set of the same record (EMF); false when the pipeline must send the merged rollup as datums of their
    /// own. The default value is false.
    /// </summary>
    bool PublishesRollupsAsDimensionSets => false;

    /// <summary>How many batches the pipeline may export at once. The default value is 1.</summary>
    int MaxConcurrentExports => 1;

    /// <summary>Delivers one batch.</summary>
    /// <param name="batch">The datums; the pipeline does not change the list while the call runs.</param>
    /// <param name="cancellationToken">Cancelled when the pipeline stops waiting (shutdown).</param>
    /// <returns>
    /// What was sent. Datums the destination refused for good are counted in <see cref="ExportResult.RejectedDatums"/>.
    /// When part of the batch was delivered before a failure, <see cref="ExportResult.Undelivered"/> holds the rest and
    /// <see cref="ExportResult.Failure"/> says why: the pipeline keeps only those, so nothing is sent twice. Hand back
    /// the batch's own instances; a datum sent in part (split over requests) is handed back as new datums holding only
    /// the unsent part, which the pipeline queues as new data. What the batch does not get back counts as delivered.
    /// </returns>
    /// <exception cref="Exception">Nothing was delivered and delivery may be retried: the pipeline keeps the whole batch.</exception>
    Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken);
}
