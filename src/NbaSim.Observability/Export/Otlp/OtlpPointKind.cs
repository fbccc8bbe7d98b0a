namespace NbaSim.Observability.Export.Otlp;

/// <summary>What a series becomes in OTLP.</summary>
internal enum OtlpPointKind
{
    /// <summary>A counter: a monotonic cumulative Sum of the values recorded.</summary>
    Sum,
    /// <summary>A gauge: the last value.</summary>
    Gauge,
    /// <summary>A distribution (or a statistic set): a cumulative base-2 exponential histogram with exact count, sum, min and max.</summary>
    Histogram,
}
