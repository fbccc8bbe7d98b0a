using System.Text.Json;

namespace NbaSim.Observability.Export.Emf;

/// <summary>One metric read back from an EMF document.</summary>
/// <param name="Namespace">Namespace.</param>
/// <param name="MetricName">Metric name.</param>
/// <param name="Unit">Unit.</param>
/// <param name="Dimensions">Dimensions of the document.</param>
/// <param name="Timestamp">Document timestamp.</param>
/// <param name="StorageResolution">1 or 60.</param>
/// <param name="Values">The metric's values (one for a plain value).</param>
/// <param name="Counts">Counts of <paramref name="Values"/> from the <c>_nbasim</c> property, or all 1.</param>
/// <param name="Statistics">The exact statistic set from the <c>_nbasim</c> property, if present.</param>
public sealed record EmfRecord(
    string Namespace,
    string MetricName,
    MetricUnit Unit,
    IReadOnlyList<MetricDimension> Dimensions,
    DateTimeOffset Timestamp,
    int StorageResolution,
    IReadOnlyList<double> Values,
    IReadOnlyList<double> Counts,
    StatisticSet? Statistics);

/// <summary>Thrown when an EMF line is not a valid document; names the line and what is wrong.</summary>
public sealed class EmfFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public EmfFormatException(long lineNumber, string message, Exception? inner = null)
        : base($"EMF line {lineNumber}: {message}", inner)
    {
        LineNumber = lineNumber;
    }

    /// <summary>1-based line number of the offending document.</summary>
    public long LineNumber { get; }
}

/// <summary>Reads EMF documents (one JSON object per line) back into metrics; used by the dashboard preview and the demo summary.</summary>
public static class EmfReader
{
    /// <summary>Reads every metric of every document in <paramref name="reader"/>. Blank lines are skipped.</summary>
    /// <exception cref="EmfFormatException">A line is not a valid EMF document.</exception>
    public static IEnumerable<EmfRecord> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            foreach (var record in ParseLine(line, lineNumber))
            {
                yield return record;
            }
        }
    }

    /// <summary>Parses one EMF document.</summary>
    /// <exception cref="EmfFormatException">The line is not a valid EMF document.</exception>
    public static IReadOnlyList<EmfRecord> ParseLine(string line, long lineNumber = 1)
    {
        ArgumentNullException.ThrowIfNull(line);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new EmfFormatException(lineNumber, "not valid JSON.", ex);
        }

        using (document)
        {
            try
            {
                return Parse(document.RootElement, lineNumber);
            }
            catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException && ex is not EmfFormatException)
            {
                throw new EmfFormatException(lineNumber, $"not an EMF document ({ex.Message}).", ex);
            }
        }
    }

    private static List<EmfRecord> Parse(JsonElement root, long lineNumber)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("_aws", out var aws) || aws.ValueKind != JsonValueKind.Object)
        {
            throw new EmfFormatException(lineNumber, "missing the _aws object.");
        }

        var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(aws.GetProperty("Timestamp").GetInt64());
        root.TryGetProperty(EmfSerializer.StatisticsProperty, out var extra);
        var records = new List<EmfRecord>();
        foreach (var directive in aws.GetProperty("CloudWatchMetrics").EnumerateArray())
        {
            var ns = directive.GetProperty("Namespace").GetString() ?? throw new EmfFormatException(lineNumber, "Namespace is null.");
            var dimensions = new List<MetricDimension>();
            foreach (var set in directive.GetProperty("Dimensions").EnumerateArray())
            {
                foreach (var name in set.EnumerateArray())
                {
                    var dimensionName = name.GetString() ?? throw new EmfFormatException(lineNumber, "a dimension name is null.");
                    if (!root.TryGetProperty(dimensionName, out var value) || value.ValueKind != JsonValueKind.String)
                    {
                        throw new EmfFormatException(lineNumber, $"dimension '{dimensionName}' has no string value.");
                    }

                    if (!dimensions.Exists(d => d.Name == dimensionName))
                    {
                        dimensions.Add(new MetricDimension(dimensionName, value.GetString()!));
                    }
                }
            }

            foreach (var metric in directive.GetProperty("Metrics").EnumerateArray())
            {
                var name = metric.GetProperty("Name").GetString() ?? throw new EmfFormatException(lineNumber, "a metric name is null.");
                var unit = MetricUnit.None;
                if (metric.TryGetProperty("Unit", out var unitElement) && !MetricUnitNames.TryParse(unitElement.GetString(), out unit))
                {
                    throw new EmfFormatException(lineNumber, $"metric '{name}' has unknown unit '{unitElement.GetString()}'.");
                }

                var resolution = metric.TryGetProperty("StorageResolution", out var res) ? res.GetInt32() : 60;
                if (!root.TryGetProperty(name, out var target))
                {
                    throw new EmfFormatException(lineNumber, $"metric '{name}' has no value.");
                }

                var values = target.ValueKind == JsonValueKind.Array ? target.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [target.GetDouble()];
                double[] counts = [.. Enumerable.Repeat(1d, values.Length)];
                StatisticSet? stats = null;
                if (extra.ValueKind == JsonValueKind.Object && extra.TryGetProperty(name, out var metricExtra))
                {
                    if (metricExtra.TryGetProperty("Counts", out var c))
                    {
                        counts = c.EnumerateArray().Select(e => e.GetDouble()).ToArray();
                        if (counts.Length != values.Length)
                        {
                            throw new EmfFormatException(lineNumber, $"metric '{name}' has {values.Length} values but {counts.Length} counts.");
                        }
                    }

                    if (metricExtra.TryGetProperty("SampleCount", out var sampleCount))
                    {
                        stats = new StatisticSet(
                            sampleCount.GetDouble(),
                            metricExtra.GetProperty("Sum").GetDouble(),
                            metricExtra.GetProperty("Minimum").GetDouble(),
                            metricExtra.GetProperty("Maximum").GetDouble());
                    }
                }

                records.Add(new EmfRecord(ns, name, unit, dimensions, timestamp, resolution, values, counts, stats));
            }
        }

        return records;
    }
}
