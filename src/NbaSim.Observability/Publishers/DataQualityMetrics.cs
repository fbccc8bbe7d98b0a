namespace NbaSim.Observability.Publishers;
internal sealed class DataQualityMetrics(INbaMetrics metrics) : IDataQualityMetrics
{
    public bool Report(long passed, long total, string? dataset = null)
    {
        if (total < 0 || passed < 0 || passed > total)
        {
            throw new ArgumentOutOfRangeException(nameof(passed), passed, $"passed is {passed} and total is {total}; 0 ≤ passed ≤ total is required.");
        }

        if (total == 0)
        {
            return false;
        }

        var series = dataset is null
            ? metrics.Distribution(NbaMetricNames.DataQuality, NbaMetricNames.ValidationPassRate, MetricUnit.Percent)
            : metrics.Distribution(NbaMetricNames.DataQuality, NbaMetricNames.ValidationPassRate, MetricUnit.Percent, new MetricDimension("Dataset", dataset));
        series.Record(100.0 * passed / total);
        return true;
    }
}
