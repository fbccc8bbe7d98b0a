namespace NbaSim.Observability;

/// <summary>Receives batches from the buffered sink and delivers them (EMF lines, PutMetricData, …).</summary>
/// <remarks>
/// Batches respect <see cref="NbaObservabilityOptions.MaxDatumsPerBatch"/> and, as measured by
/// <see cref="EstimateSize(MetricDatum)"/>, <see cref="NbaObservabilityOptions.MaxBatchBytes"/>.
/// The sink calls <see cref="ExportAsync"/> from one background task at a time.
/// </remarks>
public interface IMetricExporter
{
    /// <summary>Bytes <paramref name="datum"/> adds to a serialized batch (an upper estimate is fine).</summary>
    int EstimateSize(MetricDatum datum);

    /// <summary>How many batches the sink may export at once. Default 1.</summary>
    int MaxConcurrentExports => 1;

    /// <summary>Delivers one batch.</summary>
    /// <returns>What was sent; datums the destination refused for good are reported, not thrown.</returns>
    /// <exception cref="MetricExportException">Part of the batch was delivered; the sink keeps only the undelivered datums.</exception>
    /// <exception cref="Exception">Delivery failed as a whole and may be retried; the sink keeps the batch.</exception>
    Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken);
}

/// <summary>The outcome of exporting one batch.</summary>
/// <param name="Requests">Requests (or writes) made, e.g. PutMetricData calls.</param>
/// <param name="BytesSent">Bytes put on the wire.</param>
/// <param name="RejectedDatums">Datums the destination refused for good (already logged by the exporter).</param>
public readonly record struct ExportResult(int Requests, long BytesSent, int RejectedDatums = 0);

/// <summary>
/// Thrown by an exporter when part of a batch was delivered before a retryable failure, so that the sink retries only
/// what was not delivered (CloudWatch adds up what it receives: sending a datum twice would double-count it).
/// </summary>
public sealed class MetricExportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MetricExportException(string message, IReadOnlyList<MetricDatum> undelivered, ExportResult delivered, Exception innerException)
        : base(message, innerException)
    {
        Undelivered = undelivered;
        Delivered = delivered;
    }

    /// <summary>The datums that did not reach the destination.</summary>
    public IReadOnlyList<MetricDatum> Undelivered { get; }

    /// <summary>What was delivered before the failure.</summary>
    public ExportResult Delivered { get; }
}
