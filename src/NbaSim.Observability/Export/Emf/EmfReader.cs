using System.Text.Json;

namespace NbaSim.Observability;

/// <summary>One metric read back from an EMF document: one record per metric and dimension set, as CloudWatch extracts them.</summary>
/// <param name="Namespace">Namespace.</param>
/// <param name="MetricName">Metric name.</param>
/// <param name="Unit">Unit.</param>
/// <param name="Dimensions">The dimensions of one of the directive's dimension sets, with the document's values.</param>
/// <param name="Timestamp">Document timestamp.</param>
/// <param name="StorageResolution">1 or 60.</param>
/// <param name="Values">The metric's values (one for a plain value; none for a statistic set without values).</param>
/// <param name="Counts">Counts of <paramref name="Values"/> (all 1 for a number or a bare array).</param>
/// <param name="Statistics">The statistic set CloudWatch extracts (<c>Count</c>, <c>Sum</c>, <c>Min</c>, <c>Max</c>), when the value is an object.</param>
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

/// <summary>
/// Reads EMF documents (one JSON object per line) back into metrics, following the fields CloudWatch extracts and
/// nothing else; used by the dashboard preview, the demo summary and <c>nbaobs</c>.
/// </summary>
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
        var records = new List<EmfRecord>();
        foreach (var directive in aws.GetProperty("CloudWatchMetrics").EnumerateArray())
        {
            var ns = directive.GetProperty("Namespace").GetString() ?? throw new EmfFormatException(lineNumber, "Namespace is null.");
            // CloudWatch extracts each metric once per dimension set (a rollup is a second, smaller set): one record each.
            var sets = new List<List<MetricDimension>>();
            foreach (var set in directive.GetProperty("Dimensions").EnumerateArray())
            {
                var dimensions = new List<MetricDimension>();
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

                sets.Add(dimensions);
            }

            if (sets.Count == 0)
            {
                sets.Add([]);
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

                var (values, counts, stats) = ReadValue(target, name, lineNumber);
                foreach (var dimensions in sets)
                {
                    records.Add(new EmfRecord(ns, name, unit, dimensions, timestamp, resolution, values, counts, stats));
                }
            }
        }

        return records;
    }

    /// <summary>A metric's member: a number, an array of numbers, or a statistic set with optional Values/Counts.</summary>
    private static (double[] Values, double[] Counts, StatisticSet? Statistics) ReadValue(JsonElement target, string name, long lineNumber)
    {
        switch (target.ValueKind)
        {
            case JsonValueKind.Number:
                return ([target.GetDouble()], [1d], null);
            case JsonValueKind.Array:
                var array = target.EnumerateArray().Select(e => e.GetDouble()).ToArray();
                return (array, [.. Enumerable.Repeat(1d, array.Length)], null);
            case JsonValueKind.Object:
                var values = target.TryGetProperty("Values", out var v) ? v.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [];
                var counts = target.TryGetProperty("Counts", out var c) ? c.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [.. Enumerable.Repeat(1d, values.Length)];
                if (counts.Length != values.Length)
                {
                    throw new EmfFormatException(lineNumber, $"metric '{name}' has {values.Length} values but {counts.Length} counts.");
                }

                if (!target.TryGetProperty("Count", out var count) || !target.TryGetProperty("Sum", out var sum)
                    || !target.TryGetProperty("Min", out var min) || !target.TryGetProperty("Max", out var max))
                {
                    throw new EmfFormatException(lineNumber, $"metric '{name}' is an object without Count, Sum, Min and Max.");
                }

                return (values, counts, new StatisticSet(count.GetDouble(), sum.GetDouble(), min.GetDouble(), max.GetDouble()));
            default:
                throw new EmfFormatException(lineNumber, $"metric '{name}' is {target.ValueKind}; expected a number, an array or a statistic set.");
        }
    }
}
