namespace NbaSim.Observability;

/// <summary>Pre-aggregated statistics of one period, as CloudWatch's <c>StatisticSet</c>.</summary>
/// <param name="SampleCount">Number of samples.</param>
/// <param name="Sum">Sum of the samples.</param>
/// <param name="Minimum">Smallest sample.</param>
/// <param name="Maximum">Largest sample.</param>
public readonly record struct StatisticSet(double SampleCount, double Sum, double Minimum, double Maximum);
