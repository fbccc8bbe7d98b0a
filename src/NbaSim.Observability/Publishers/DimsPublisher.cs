using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NbaSim.Observability.Publishers;
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
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), Internal.ObservabilityJsonContext.Default.DictionaryStringDouble) ?? [] : [];
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
            File.WriteAllText(temp, JsonSerializer.Serialize(state, Internal.ObservabilityJsonContext.Default.DictionaryStringDouble));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Internal.Log.DimsStateFailed(_logger, path, "written", ex.GetType().Name);
        }
    }
}
