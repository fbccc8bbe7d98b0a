namespace NbaSim.Observability.Export;

/// <summary>
/// An exporter that publishes a datum's rollup as a second dimension set of the same record (EMF), so the collector
/// does not add merged rollup datums for it. Every other exporter, custom ones included, gets explicit merged datums.
/// </summary>
internal interface IDimensionSetExporter;
