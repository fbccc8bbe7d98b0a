namespace NbaSim.Observability;

/// <summary>What scrapers record about each S3 upload.</summary>
public interface IS3UploadMetrics
{
    /// <summary>An upload succeeded.</summary>
    void Succeeded();

    /// <summary>An upload failed (published as <c>S3UploadFailures</c>, the metric the S3-upload alarm watches).</summary>
    void Failed();
}
