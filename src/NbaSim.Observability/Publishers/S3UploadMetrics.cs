namespace NbaSim.Observability.Publishers;
/// <summary>
/// <c>S3UploadFailures</c> (Count, NBA-Simulator/DataCollection): a period with no failure still publishes 0, so the
/// alarm always has data; <c>S3Uploads</c> counts every upload.
/// </summary>
internal sealed class S3UploadMetrics(INbaMetrics metrics) : IS3UploadMetrics
{
    private readonly CounterSeries _failures = metrics.Counter(NbaMetricNames.DataCollection, NbaMetricNames.S3UploadFailures, MetricUnit.Count, new SeriesOptions(PublishZeroWhenIdle: true));
    private readonly CounterSeries _uploads = metrics.Counter(NbaMetricNames.DataCollection, "S3Uploads", MetricUnit.Count, new SeriesOptions(PublishZeroWhenIdle: true));

    public void Succeeded() => _uploads.Increment();

    public void Failed()
    {
        _uploads.Increment();
        _failures.Increment();
    }
}
