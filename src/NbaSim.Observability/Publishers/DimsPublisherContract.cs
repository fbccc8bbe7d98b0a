

namespace NbaSim.Observability;

/// <summary>One DIMS value published as a metric.</summary>
public sealed class DimsMapping
{
    /// <summary>Path in metrics.yaml, <c>category.metric</c>, e.g. <c>s3_storage.total_objects</c>.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>CloudWatch metric name, e.g. <c>DIMS_S3Objects</c>.</summary>
    public string MetricName { get; set; } = string.Empty;

    /// <summary>Unit. Default Count.</summary>
    public MetricUnit Unit { get; set; } = MetricUnit.Count;

    /// <summary>Constant dimensions, e.g. <c>Source=DIMS</c>.</summary>
    public Dictionary<string, string> Dimensions { get; set; } = [];
}

/// <summary>Settings of the DIMS publisher (<c>NbaObservability:Dims</c>).</summary>
public sealed class DimsPublisherOptions
{
    /// <summary>DIMS's metrics file. Default <c>inventory/metrics.yaml</c>.</summary>
    public string FilePath { get; set; } = "inventory/metrics.yaml";

    /// <summary>
    /// Extra mappings, added to the design's four (s3_storage.total_objects → DIMS_S3Objects, s3_storage.total_size_gb →
    /// DIMS_S3SizeGB, both Source=DIMS; code_base.python_files → DIMS_PythonFiles; code_base.test_files → DIMS_TestFiles).
    /// </summary>
    public List<DimsMapping> Mappings { get; set; } = [];

    /// <summary>Relative change from the last published value that counts as drift. Default 0.01 (1 %); 0 to 10.</summary>
    public double DriftTolerance { get; set; } = 0.01;

    /// <summary>Where the last published values are kept between runs (the cron job is a new process each time).</summary>
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

/// <summary>A DIMS file that cannot be published: names the file, the line and the key. Nothing from the file was published.</summary>
public sealed class DimsFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public DimsFormatException(string file, long line, string key, string problem, Exception? inner = null)
        : base($"{file}:{line}: {key}: {problem}", inner)
    {
        File = file;
        Line = line;
        Key = key;
    }

    /// <summary>The file.</summary>
    public string File { get; }

    /// <summary>1-based line (0 when unknown).</summary>
    public long Line { get; }

    /// <summary>The mapped key, e.g. s3_storage.total_objects.</summary>
    public string Key { get; }
}

/// <summary>A value read from DIMS and published.</summary>
public sealed record DimsValue(string Key, string MetricName, double Value, bool Drifted, double? Previous);

/// <summary>Publishes DIMS's inventory (NBA-Simulator/DIMS), all or nothing, with drift detection.</summary>
public interface IDimsPublisher
{
    /// <summary>Reads <paramref name="path"/> (default: the configured file) and publishes every mapped value.</summary>
    /// <exception cref="DimsFormatException">Malformed YAML, a mapped key missing, or a non-numeric value.</exception>
    Task<IReadOnlyList<DimsValue>> PublishAsync(string? path = null, CancellationToken cancellationToken = default);
}
