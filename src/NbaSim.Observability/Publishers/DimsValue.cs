namespace NbaSim.Observability;

/// <summary>A value read from DIMS and published.</summary>
public sealed record DimsValue(string Key, string MetricName, double Value, bool Drifted, double? Previous);
