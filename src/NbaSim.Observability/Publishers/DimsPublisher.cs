using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NbaSim.Observability.Publishers;

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

internal sealed class DimsPublisher(INbaMetrics metrics, IOptions<DimsPublisherOptions> options, TimeProvider time, ILogger<DimsPublisher>? logger = null) : IDimsPublisher
{
    private readonly ILogger _logger = logger ?? NullLogger<DimsPublisher>.Instance;

    public async Task<IReadOnlyList<DimsValue>> PublishAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        path ??= settings.FilePath;
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        var values = Read(path, text, settings.AllMappings().ToList());

        var state = LoadState(settings.StatePath);
        var now = time.GetUtcNow();
        var published = new List<DimsValue>();
        var datums = new List<MetricDatum>();
        foreach (var (mapping, value) in values)
        {
            var previous = state.TryGetValue(mapping.MetricName, out var p) ? p : (double?)null;
            var drifted = previous is { } before && Math.Abs(value - before) > settings.DriftTolerance * Math.Max(Math.Abs(before), double.Epsilon);
            var dimensions = mapping.Dimensions.Select(d => new MetricDimension(d.Key, d.Value)).ToArray();
            datums.Add(MetricDatum.CreateValue(NbaMetricNames.Dims, mapping.MetricName, value, mapping.Unit, now, dimensions, now: now));
            if (drifted)
            {
                // Per metric for the dashboard, and undimensioned for the DIMS-DriftDetected alarm.
                datums.Add(MetricDatum.CreateValue(NbaMetricNames.Dims, NbaMetricNames.DimsDriftDetected, 1, MetricUnit.Count, now, [new("Metric", mapping.MetricName)], now: now));
                datums.Add(MetricDatum.CreateValue(NbaMetricNames.Dims, NbaMetricNames.DimsDriftDetected, 1, MetricUnit.Count, now, now: now));
                Internal.Log.DimsDrift(_logger, mapping.MetricName, previous, value, settings.DriftTolerance);
            }

            published.Add(new DimsValue(mapping.Key, mapping.MetricName, value, drifted, previous));
            state[mapping.MetricName] = value;
        }

        foreach (var datum in datums)
        {
            metrics.Publish(datum);
        }

        SaveState(settings.StatePath, state);
        return published;
    }

    /// <summary>Every mapped value, or the first problem; entries without a value, metadata and extra keys are skipped.</summary>
    internal static List<(DimsMapping Mapping, double Value)> Read(string file, string text, IReadOnlyList<DimsMapping> mappings)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            yaml.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new DimsFormatException(file, ex.Start.Line, "(document)", $"not valid YAML: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet reports some structural errors (e.g. a truncated document) without a position.
            throw new DimsFormatException(file, 0, "(document)", $"not valid YAML: {ex.Message}", ex);
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new DimsFormatException(file, 1, "(document)", "the file is not a mapping of categories.");
        }

        var values = new List<(DimsMapping, double)>();
        foreach (var mapping in mappings)
        {
            var parts = mapping.Key.Split('.', 2);
            if (parts.Length != 2)
            {
                throw new DimsFormatException(file, 0, mapping.Key, "a mapping key must be category.metric.");
            }

            if (!TryChild(root, parts[0], out var category) || category is not YamlMappingNode categoryMap)
            {
                throw new DimsFormatException(file, category?.Start.Line ?? root.Start.Line, mapping.Key, $"category '{parts[0]}' is missing.");
            }

            if (!TryChild(categoryMap, parts[1], out var entry))
            {
                throw new DimsFormatException(file, categoryMap.Start.Line, mapping.Key, $"'{parts[1]}' is missing from '{parts[0]}'.");
            }

            // An entry is either { value: N, … } or a bare scalar N.
            var valueNode = entry is YamlMappingNode entryMap ? (TryChild(entryMap, "value", out var v) ? v : null) : entry;
            if (valueNode is not YamlScalarNode { Value: { } raw } scalar || string.IsNullOrWhiteSpace(raw) || raw is "null" or "~")
            {
                throw new DimsFormatException(file, entry!.Start.Line, mapping.Key, "has no numeric value.");
            }

            if (!double.TryParse(raw.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !MetricValidator.IsValidValue(number))
            {
                throw new DimsFormatException(file, scalar.Start.Line, mapping.Key, $"value '{raw}' is not a number.");
            }

            values.Add((mapping, number));
        }

        return values;
    }

    private static bool TryChild(YamlMappingNode map, string key, out YamlNode? child)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && string.Equals(name, key, StringComparison.Ordinal))
            {
                child = v;
                return true;
            }
        }

        child = null;
        return false;
    }

    private Dictionary<string, double> LoadState(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(path)) ?? [] : [];
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            Internal.Log.DimsStateFailed(_logger, path, "read", ex.GetType().Name);
            return [];
        }
    }

    private void SaveState(string path, Dictionary<string, double> state)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temp = path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(state));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Internal.Log.DimsStateFailed(_logger, path, "written", ex.GetType().Name);
        }
    }
}
