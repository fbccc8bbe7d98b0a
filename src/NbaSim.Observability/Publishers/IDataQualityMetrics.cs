namespace NbaSim.Observability;

/// <summary>Data-quality results (NBA-Simulator/DataQuality).</summary>
public interface IDataQualityMetrics
{
    /// <summary>
    /// Records a validation run: <c>ValidationPassRate</c> = passed ÷ total × 100 (Percent), optionally with a
    /// <c>Dataset</c> dimension. A run with no records publishes nothing and returns false.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="passed"/> is negative or above <paramref name="total"/>.</exception>
    bool Report(long passed, long total, string? dataset = null);
}
