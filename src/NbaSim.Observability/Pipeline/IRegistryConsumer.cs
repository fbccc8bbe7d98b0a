namespace NbaSim.Observability.Pipeline;

/// <summary>
/// The one pipeline a registry's datums flow into, linked once by the sink that drains it (as OpenTelemetry links a
/// reader to its provider). The registry only produces: it never reaches into the sink beyond this link.
/// </summary>
internal interface IRegistryConsumer
{
    /// <summary>Takes a datum published straight to the registry; false when it could not be kept.</summary>
    bool Accept(MetricDatum datum);

    /// <summary>Datums waiting for export, for the registry's diagnostics.</summary>
    int QueuedDatums { get; }
}
