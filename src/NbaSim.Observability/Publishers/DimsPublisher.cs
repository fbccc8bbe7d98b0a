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

    /// <summary>Largest DIMS file read (its metrics.yaml is a few KB); a larger one is refused, naming the limit.</summary>
    internal const int MaxFileBytes = 1024 * 1024;

    /// <summary>Deepest nesting of sequences and mappings; checked before a tree is built (deep YAML overflows the stack).</summary>
    internal const int MaxNestingDepth = 64;

    public async Task<IReadOnlyList<DimsValue>> PublishAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        var publication = await PrepareAsync(path, cancellationToken).ConfigureAwait(false);
        foreach (var datum in publication.Datums)
        {
            metrics.Enqueue(datum);
        }

        // In a process the sink owns the datums from here: it retries, spools, or counts and logs what it cannot send.
        publication.SaveState();
        return publication.Values;
    }

    /// <summary>
    /// Reads the file and computes values and drift against the saved state, without publishing or saving anything: a
    /// caller that must know the datums were delivered (nbaobs) saves the state only after delivery.
    /// </summary>
    internal async Task<DimsPublication> PrepareAsync(string? path, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        path ??= settings.FilePath;
        var text = await ReadBoundedAsync(path, cancellationToken).ConfigureAwait(false);
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

        return new DimsPublication(published, datums, () => SaveState(settings.StatePath, state));
    }

    /// <summary>The file's text, read up to <see cref="MaxFileBytes"/> (a device such as /dev/zero never reaches memory whole).</summary>
    private static async Task<string> ReadBoundedAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            throw new DimsFormatException(path, 0, "(file)", "is a directory; pass the DIMS metrics file, e.g. inventory/metrics.yaml.");
        }

        var buffer = new byte[MaxFileBytes + 1];
        var length = 0;
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new DimsFormatException(path, 0, "(file)", "cannot be read: permission denied.", ex);
        }

        await using (stream.ConfigureAwait(false))
        {
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }
        }

        if (length > MaxFileBytes)
        {
            throw new DimsFormatException(path, 0, "(file)", $"is larger than the limit of {MaxFileBytes / (1024 * 1024)} MiB for a DIMS metrics file.");
        }

        using var reader = new StreamReader(new MemoryStream(buffer, 0, length), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every mapped value, or the first problem; entries without a value, metadata and extra keys are skipped.</summary>
    internal static List<(DimsMapping Mapping, double Value)> Read(string file, string text, IReadOnlyList<DimsMapping> mappings)
    {
        var yaml = new YamlStream();
        try
        {
            CheckDepth(file, text);
            using var reader = new StringReader(text);
            yaml.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new DimsFormatException(file, ex.Start.Line, "(document)", $"not valid YAML: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet reports some structural errors (a truncated document; an event its tree cannot hold, as an
            // ArgumentException about its parser) without a position.
            throw new DimsFormatException(file, 0, "(document)", $"not valid YAML: {ex.Message.Split(" (Parameter")[0]}", ex);
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

    /// <summary>Walks the parser's events (no recursion) and refuses nesting past <see cref="MaxNestingDepth"/>.</summary>
    private static void CheckDepth(string file, string text)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.SequenceStart or YamlDotNet.Core.Events.MappingStart when ++depth > MaxNestingDepth:
                    throw new DimsFormatException(file, parser.Current.Start.Line, "(document)", $"nested deeper than {MaxNestingDepth} levels; a DIMS file is categories of metrics with values.");
                case YamlDotNet.Core.Events.SequenceEnd or YamlDotNet.Core.Events.MappingEnd:
                    depth--;
                    break;
            }
        }
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
