using System.Buffers;
using System.Text.Json;

namespace NbaSim.Observability;

/// <summary>
/// Writes datums as CloudWatch Embedded Metric Format documents, one JSON object per line.
/// Datums sharing namespace, timestamp and dimensions share a document (at most 100 metrics, 100 values each).
/// </summary>
/// <remarks>
/// <para>Each metric is written in the form CloudWatch extracts exactly (the form of the OpenTelemetry collector's
/// <c>awsemf</c> exporter):</para>
/// <list type="bullet">
/// <item>a single value as a number;</item>
/// <item>a statistic set (a counter) as <c>{"Max":…,"Min":…,"Count":…,"Sum":…}</c>: SampleCount is <c>Count</c>;</item>
/// <item>a distribution as <c>{"Values":[…],"Counts":[…],"Max":…,"Min":…,"Count":…,"Sum":…}</c>: SampleCount is the sum
/// of <c>Counts</c>, which equals <c>Count</c>.</item>
/// </list>
/// <para>A distribution wider than 100 values is split into parts that partition its value range, each with its own exact
/// count, bounds and share of the sum, in separate documents with the same timestamp; CloudWatch merges them back into
/// the exact statistics.</para>
/// </remarks>
public static class EmfSerializer
{
    /// <summary>Most metric definitions per EMF document.</summary>
    public const int MaxMetricsPerDocument = 100;

    /// <summary>Most values in one metric's array.</summary>
    public const int MaxValuesPerMetric = 100;

    /// <summary>Serializes <paramref name="datums"/> into <paramref name="output"/> and records where each line starts.</summary>
    /// <returns>The number of documents (lines) written.</returns>
    public static int Write(IReadOnlyList<MetricDatum> datums, IBufferWriter<byte> output, List<int>? lineStarts = null)
        => Write(datums, output, lineStarts, null, int.MaxValue);

    /// <summary>
    /// Serializes <paramref name="datums"/>; each document's datums go to <paramref name="lineDatums"/>, and a document
    /// larger than <paramref name="maxDocumentBytes"/> (a UDP datagram) is split into documents with fewer metrics.
    /// </summary>
    internal static int Write(IReadOnlyList<MetricDatum> datums, IBufferWriter<byte> output, List<int>? lineStarts, List<MetricDatum[]>? lineDatums, int maxDocumentBytes)
    {
        ArgumentNullException.ThrowIfNull(datums);
        ArgumentNullException.ThrowIfNull(output);
        var documents = 0;
        var written = 0;
        var scratch = new ArrayBufferWriter<byte>(4096);
        var pending = new Stack<List<Entry>>();
        foreach (var group in Group(datums))
        {
            foreach (var packed in Pack(group))
            {
                pending.Push(packed);
                while (pending.Count > 0)
                {
                    var document = pending.Pop();
                    scratch.ResetWrittenCount();
                    using (var writer = new Utf8JsonWriter(scratch, new JsonWriterOptions { SkipValidation = false }))
                    {
                        WriteDocument(writer, group[0], document);
                    }

                    if (scratch.WrittenCount + 1 > maxDocumentBytes && document.Count > 1)
                    {
                        // Too large for one datagram: the same metrics in two smaller documents (second half popped last).
                        var half = document.Count / 2;
                        pending.Push(document.GetRange(half, document.Count - half));
                        pending.Push(document.GetRange(0, half));
                        continue;
                    }

                    lineStarts?.Add(written);
                    lineDatums?.Add([.. document.Select(e => e.Datum).Distinct()]);
                    var span = output.GetSpan(scratch.WrittenCount + 1);
                    scratch.WrittenSpan.CopyTo(span);
                    span[scratch.WrittenCount] = (byte)'\n';
                    output.Advance(scratch.WrittenCount + 1);
                    written += scratch.WrittenCount + 1;
                    documents++;
                }
            }
        }

        return documents;
    }

    private static List<List<MetricDatum>> Group(IReadOnlyList<MetricDatum> datums)
    {
        var groups = new Dictionary<string, List<MetricDatum>>(StringComparer.Ordinal);
        var order = new List<List<MetricDatum>>();
        foreach (var datum in datums)
        {
            // A rollup is a second dimension set of the document, so datums share a document only with the same rollup.
            var key = string.Join('\u001F', datum.Namespace, datum.Timestamp.UtcTicks, string.Join('\u001E', datum.Dimensions.Select(d => d.Name + "\u001D" + d.Value)),
                datum.Rollup is { } rollup ? "R" + string.Join('\u001E', rollup.Select(d => d.Name)) : string.Empty);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
                order.Add(list);
            }

            list.Add(datum);
        }

        return order;
    }

    /// <summary>One metric of one document: a datum, or one part of a distribution split for EMF's 100-value limit.</summary>
    private readonly record struct Entry(MetricDatum Datum, StatisticSet? Statistics, double[]? Values, double[]? Counts);

    /// <summary>Packs a group into documents: each metric name once per document, at most 100 metrics and 100 values each.</summary>
    private static List<List<Entry>> Pack(List<MetricDatum> group)
    {
        var documents = new List<List<Entry>>();
        var names = new List<HashSet<string>>();
        var parts = new List<Entry>();
        foreach (var datum in group)
        {
            parts.Clear();
            Expand(datum, parts);
            foreach (var part in parts)
            {
                var target = -1;
                for (var i = 0; i < documents.Count; i++)
                {
                    if (documents[i].Count < MaxMetricsPerDocument && !names[i].Contains(datum.MetricName))
                    {
                        target = i;
                        break;
                    }
                }

                if (target < 0)
                {
                    documents.Add([]);
                    names.Add(new HashSet<string>(StringComparer.Ordinal));
                    target = documents.Count - 1;
                }

                documents[target].Add(part);
                names[target].Add(datum.MetricName);
            }
        }

        return documents;
    }

    private static void Expand(MetricDatum datum, List<Entry> parts)
    {
        if (datum.Values is not { } values)
        {
            parts.Add(new Entry(datum, datum.StatisticValues, null, null));
            return;
        }

        var counts = datum.Counts ?? Enumerable.Repeat(1d, values.Count).ToArray();
        var stats = datum.StatisticValues ?? StatisticsOf(values, counts);
        if (values.Count <= MaxValuesPerMetric)
        {
            parts.Add(new Entry(datum, stats, [.. values], [.. counts]));
            return;
        }

        Aggregation.DistributionSplitter.Resplit(values, counts, stats, (s, v, c) => parts.Add(new Entry(datum, s, v, c)), MaxValuesPerMetric);
    }

    private static StatisticSet StatisticsOf(IReadOnlyList<double> values, IReadOnlyList<double> counts)
    {
        double count = 0, sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (var i = 0; i < values.Count; i++)
        {
            count += counts[i];
            sum += values[i] * counts[i];
            min = Math.Min(min, values[i]);
            max = Math.Max(max, values[i]);
        }

        return new StatisticSet(count, sum, min, max);
    }

    private static void WriteDocument(Utf8JsonWriter writer, MetricDatum first, List<Entry> metrics)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("_aws");
        writer.WriteNumber("Timestamp", first.Timestamp.ToUnixTimeMilliseconds());
        writer.WriteStartArray("CloudWatchMetrics");
        writer.WriteStartObject();
        writer.WriteString("Namespace", first.Namespace);
        writer.WriteStartArray("Dimensions");
        writer.WriteStartArray();
        foreach (var d in first.Dimensions)
        {
            writer.WriteStringValue(d.Name);
        }

        writer.WriteEndArray();
        if (first.Rollup is { } rollup)
        {
            // CloudWatch extracts every metric once per dimension set: this one is the rollup, at no extra bytes per value.
            writer.WriteStartArray();
            foreach (var d in rollup)
            {
                writer.WriteStringValue(d.Name);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("Metrics");
        foreach (var entry in metrics)
        {
            writer.WriteStartObject();
            writer.WriteString("Name", entry.Datum.MetricName);
            writer.WriteString("Unit", entry.Datum.Unit.ToWireName());
            if (entry.Datum.StorageResolution == 1)
            {
                writer.WriteNumber("StorageResolution", 1);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();

        foreach (var d in first.Dimensions)
        {
            writer.WriteString(d.Name, d.Value);
        }

        foreach (var entry in metrics)
        {
            if (entry.Statistics is not { } stats)
            {
                writer.WriteNumber(entry.Datum.MetricName, entry.Datum.Value ?? 0);
                continue;
            }

            writer.WriteStartObject(entry.Datum.MetricName);
            if (entry.Values is { } values)
            {
                writer.WriteStartArray("Values");
                foreach (var v in values)
                {
                    writer.WriteNumberValue(v);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("Counts");
                foreach (var c in entry.Counts!)
                {
                    writer.WriteNumberValue(c);
                }

                writer.WriteEndArray();
            }

            writer.WriteNumber("Max", stats.Maximum);
            writer.WriteNumber("Min", stats.Minimum);
            writer.WriteNumber("Count", stats.SampleCount);
            writer.WriteNumber("Sum", stats.Sum);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
