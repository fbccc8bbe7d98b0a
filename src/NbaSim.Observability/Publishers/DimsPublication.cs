namespace NbaSim.Observability.Publishers;

/// <summary>What one DIMS run would publish, and how to remember it once it has been delivered.</summary>
internal sealed class DimsPublication(IReadOnlyList<DimsValue> values, IReadOnlyList<MetricDatum> datums, Action saveState)
{
    /// <summary>The mapped values, with drift against the last delivered run.</summary>
    public IReadOnlyList<DimsValue> Values { get; } = values;

    /// <summary>The datums to publish: each value, and DimsDriftDetected for each drift.</summary>
    public IReadOnlyList<MetricDatum> Datums { get; } = datums;

    /// <summary>Saves these values as the baseline of the next run's drift (only after delivery, or drift is lost).</summary>
    public void SaveState() => saveState();
}
