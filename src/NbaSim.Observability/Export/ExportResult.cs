namespace NbaSim.Observability;

/// <summary>The outcome of exporting one batch.</summary>
/// <param name="Requests">Requests (or writes) made, e.g. PutMetricData calls.</param>
/// <param name="BytesSent">Bytes put on the wire.</param>
/// <param name="RejectedDatums">Datums the destination refused for good (already logged by the exporter).</param>
public readonly record struct ExportResult(int Requests, long BytesSent, int RejectedDatums = 0)
{
    /// <summary>
    /// Datums that did not reach the destination after part of the batch did, to be kept and retried; null or empty
    /// when every datum was delivered or refused. (CloudWatch adds up what it receives: a datum sent twice counts twice,
    /// so an exporter hands back exactly what it did not send.)
    /// </summary>
    public IReadOnlyList<MetricDatum>? Undelivered { get; init; }

    /// <summary>Why <see cref="Undelivered"/> was not delivered; null when the batch was.</summary>
    public Exception? Failure { get; init; }

    /// <summary>True when part of the batch is handed back in <see cref="Undelivered"/>.</summary>
    public bool IsPartial => Undelivered is { Count: > 0 };

    /// <summary>A partial delivery: <paramref name="delivered"/> was sent, <paramref name="undelivered"/> was not because of <paramref name="failure"/>.</summary>
    /// <param name="delivered">What was sent before the failure.</param>
    /// <param name="undelivered">The datums to keep and retry.</param>
    /// <param name="failure">Why they were not sent.</param>
    /// <returns>The result.</returns>
    public static ExportResult Partial(ExportResult delivered, IReadOnlyList<MetricDatum> undelivered, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(undelivered);
        ArgumentNullException.ThrowIfNull(failure);
        return delivered with { Undelivered = undelivered, Failure = failure };
    }

    /// <summary>The requests, bytes and refusals of this result and <paramref name="other"/> (a batch sent in several requests).</summary>
    internal ExportResult Plus(ExportResult other)
        => new(Requests + other.Requests, BytesSent + other.BytesSent, RejectedDatums + other.RejectedDatums);
}
