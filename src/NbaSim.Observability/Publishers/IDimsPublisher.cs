namespace NbaSim.Observability;

/// <summary>Publishes DIMS's inventory (NBA-Simulator/DIMS), all or nothing, with drift detection.</summary>
public interface IDimsPublisher
{
    /// <summary>Reads <paramref name="path"/> (default: the configured file) and publishes every mapped value.</summary>
    /// <exception cref="DimsFormatException">Malformed YAML, a mapped key missing, or a non-numeric value.</exception>
    Task<IReadOnlyList<DimsValue>> PublishAsync(string? path = null, CancellationToken cancellationToken = default);
}
