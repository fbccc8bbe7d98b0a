namespace NbaSim.Observability;

/// <summary>Settings of the DIMS publisher (<c>NbaObservability:Dims</c>).</summary>
public sealed class DimsPublisherOptions
{
    /// <summary>DIMS's metrics file. Default <c>inventory/metrics.yaml</c>.</summary>
    /// <value>The default value is <c>inventory/metrics.yaml</c>.</value>
    public string FilePath { get; set; } = "inventory/metrics.yaml";

    /// <summary>
    /// Extra mappings, added to the design's four (s3_storage.total_objects → DIMS_S3Objects, s3_storage.total_size_gb →
    /// DIMS_S3SizeGB, both Source=DIMS; code_base.python_files → DIMS_PythonFiles; code_base.test_files → DIMS_TestFiles).
    /// </summary>
    /// <value>The default value is an empty list (the design's four mappings always apply).</value>
    public List<DimsMapping> Mappings { get; set; } = [];

    /// <summary>Relative change from the last published value that counts as drift. Default 0.01 (1 %); 0 to 10.</summary>
    /// <value>The default value is 0.01 (1 %).</value>
    public double DriftTolerance { get; set; } = 0.01;

    /// <summary>Where the last published values are kept between runs (the cron job is a new process each time).</summary>
    /// <value>The default value is <c>nbaobs/dims-state.json</c> under the user's local application data folder.</value>
    public string StatePath { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "nbaobs", "dims-state.json");

    internal IEnumerable<DimsMapping> AllMappings()
    {
        var dims = new Dictionary<string, string> { ["Source"] = "DIMS" };
        yield return new DimsMapping { Key = "s3_storage.total_objects", MetricName = "DIMS_S3Objects", Unit = MetricUnit.Count, Dimensions = dims };
        yield return new DimsMapping { Key = "s3_storage.total_size_gb", MetricName = "DIMS_S3SizeGB", Unit = MetricUnit.Gigabytes, Dimensions = dims };
        yield return new DimsMapping { Key = "code_base.python_files", MetricName = "DIMS_PythonFiles", Unit = MetricUnit.Count };
        yield return new DimsMapping { Key = "code_base.test_files", MetricName = "DIMS_TestFiles", Unit = MetricUnit.Count };
        foreach (var mapping in Mappings)
        {
            yield return mapping;
        }
    }
}
