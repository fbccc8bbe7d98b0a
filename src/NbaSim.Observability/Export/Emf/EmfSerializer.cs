using System.Buffers;
using System.Text.Json;

namespace NbaSim.Observability.Export.Emf;

/// <summary>
/// Writes datums as CloudWatch Embedded Metric Format documents, one JSON object per line.
/// Datums sharing namespace, timestamp and dimensions share a document (at most 100 metrics, 100 values each).
/// </summary>
/// <remarks>
/// EMF carries raw values only. A single value is written as a number; a counter's statistic set as its Sum;
/// a distribution as its (representative) values. The exact statistic set and the counts, which EMF cannot express,
/// are kept beside the metric under the root property <c>_nbasim</c> (ignored by CloudWatch's extraction, read by the
/// dashboard preview and by Logs Insights queries).
/// </remarks>
public static class EmfSerializer
{
    /// <summary>Most metric definitions per EMF document.</summary>
    public const int MaxMetricsPerDocument = 100;

    /// <summary>Most values in one metric's array.</summary>
    public const int MaxValuesPerMetric = 100;

    /// <summary>The root property that carries exact statistics and counts.</summary>
    public const string StatisticsProperty = "_nbasim";

    /// <summary>Serializes <paramref name="datums"/> into <paramref name="output"/> and records where each line starts.</summary>
    /// <returns>The number of documents (lines) written.</returns>
    public static int Write(IReadOnlyList<MetricDatum> datums, IBufferWriter<byte> output, List<int>? lineStarts = null)
    {
        ArgumentNullException.ThrowIfNull(datums);
        ArgumentNullException.ThrowIfNull(output);
        var documents = 0;
        var written = 0;
        foreach (var group in Group(datums))
        {
            foreach (var document in Pack(group))
            {
                lineStarts?.Add(written);
                var counting = new CountingWriter(output);
                using (var writer = new Utf8JsonWriter(counting, new JsonWriterOptions { SkipValidation = false }))
                {
                    WriteDocument(writer, group[0], document);
                }

                var newline = counting.GetSpan(1);
                newline[0] = (byte)'\n';
                counting.Advance(1);
                written += counting.Written;
                documents++;
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
            var key = string.Join('\u001F', datum.Namespace, datum.Timestamp.UtcTicks, string.Join('\u001E', datum.Dimensions.Select(d => d.Name + "\u001D" + d.Value)));
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
                order.Add(list);
            }

            list.Add(datum);
        }

        return order;
    }

    /// <summary>Packs a group into documents: each metric name once per document, at most 100 metrics and 100 values each.</summary>
    private static List<List<(MetricDatum Datum, int Offset, int Length)>> Pack(List<MetricDatum> group)
    {
        var documents = new List<List<(MetricDatum Datum, int Offset, int Length)>>();
        var names = new List<HashSet<string>>();
        foreach (var datum in group)
        {
            var values = datum.Values?.Count ?? 0;
            var parts = values <= MaxValuesPerMetric ? 1 : (values + MaxValuesPerMetric - 1) / MaxValuesPerMetric;
            for (var part = 0; part < parts; part++)
            {
                var offset = part * MaxValuesPerMetric;
                var length = values == 0 ? 0 : Math.Min(MaxValuesPerMetric, values - offset);
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

                documents[target].Add((datum, offset, length));
                names[target].Add(datum.MetricName);
            }
        }

        return documents;
    }

    private static void WriteDocument(Utf8JsonWriter writer, MetricDatum first, List<(MetricDatum Datum, int Offset, int Length)> metrics)
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
        writer.WriteEndArray();
        writer.WriteStartArray("Metrics");
        foreach (var (datum, _, _) in metrics)
        {
            writer.WriteStartObject();
            writer.WriteString("Name", datum.MetricName);
            writer.WriteString("Unit", datum.Unit.ToWireName());
            if (datum.StorageResolution == 1)
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

        var hasStatistics = false;
        foreach (var (datum, offset, length) in metrics)
        {
            if (datum.Values is { } values)
            {
                writer.WriteStartArray(datum.MetricName);
                for (var i = offset; i < offset + length; i++)
                {
                    writer.WriteNumberValue(values[i]);
                }

                writer.WriteEndArray();
            }
            else
            {
                writer.WriteNumber(datum.MetricName, datum.Value ?? datum.StatisticValues!.Value.Sum);
            }

            hasStatistics |= datum.StatisticValues is not null;
        }

        if (hasStatistics)
        {
            writer.WriteStartObject(StatisticsProperty);
            foreach (var (datum, offset, length) in metrics)
            {
                if (datum.StatisticValues is not { } stats)
                {
                    continue;
                }

                writer.WriteStartObject(datum.MetricName);
                if (offset == 0)
                {
                    // Split distributions carry the statistic set once, on their first part.
                    writer.WriteNumber("SampleCount", stats.SampleCount);
                    writer.WriteNumber("Sum", stats.Sum);
                    writer.WriteNumber("Minimum", stats.Minimum);
                    writer.WriteNumber("Maximum", stats.Maximum);
                }

                if (datum.Counts is { } counts)
                {
                    writer.WriteStartArray("Counts");
                    for (var i = offset; i < offset + length; i++)
                    {
                        writer.WriteNumberValue(counts[i]);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private sealed class CountingWriter(IBufferWriter<byte> inner) : IBufferWriter<byte>
    {
        public int Written { get; private set; }

        public void Advance(int count)
        {
            Written += count;
            inner.Advance(count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}
