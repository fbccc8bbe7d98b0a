namespace NbaSim.Observability;

/// <summary>A CloudWatch dimension: a name/value pair that is part of a metric's identity.</summary>
/// <param name="Name">Dimension name, 1–255 ASCII characters, not starting with ':'.</param>
/// <param name="Value">Dimension value, 1–1024 characters, no control characters.</param>
public readonly record struct MetricDimension(string Name, string Value)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}={Value}";
}
