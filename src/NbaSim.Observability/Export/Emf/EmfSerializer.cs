using System.Buffers;
using System.Text.Json;

namespace NbaSim.Observability;

/// <summary>
/// Writes datums as CloudWatch Embedded Metric Format documents, one JSON object per line.
/// Datums sharing namespace, timestamp and dimensions share a document (at most 100 metrics, 100 values each, and below
/// <see cref="MetricLimits.MaxEmfDocumentBytes"/> bytes).
/// </summary>
/// <remarks>
/// <para>The published specification ("Specification: Embedded metric format" in the CloudWatch user guide) says a
/// metric value MUST be a number or an array of numbers. In the default <see cref="EmfFormat.Exact"/> form, a metric is
/// written as AWS's own EMF exporter (OpenTelemetry collector contrib, <c>awsemfexporter</c>) writes it, which CloudWatch
/// extracts for that exporter's users with exact statistics:</para>
/// <list type="bullet">
/// <item>a single value as a number;</item>
/// <item>a statistic set (a counter) as <c>{"Max":…,"Min":…,"Count":…,"Sum":…}</c>: SampleCount is <c>Count</c>;</item>
/// <item>a distribution as <c>{"Values":[…],"Counts":[…],"Max":…,"Min":…,"Count":…,"Sum":…}</c>: SampleCount is the sum
/// of <c>Counts</c>, which equals <c>Count</c>.</item>
/// </list>
/// <para><see cref="EmfFormat.Strict"/> writes only the documented forms, at the cost stated on it.</para>
/// <para>Distribution values are sorted and entries with a count of 0 left out. A distribution wider than 100 values is
/// split into parts that partition its value range, each with its own count, bounds and share of the sum, in separate
/// documents with the same timestamp; CloudWatch merges them back into the exact statistics.</para>
/// </remarks>
public static class EmfSerializer
{
    /// <summary>Most metric definitions per EMF document.</summary>
    public const int MaxMetricsPerDocument = 100;

    /// <summary>Most values in one metric's array.</summary>
    public const int MaxValuesPerMetric = 100;

    /// <summary>In <see cref="EmfFormat.Strict"/>, most samples one distribution datum is written as (10 arrays of 100).</summary>
    public const int MaxStrictSamplesPerDatum = 1_000;

    /// <summary>Serializes <paramref name="datums"/> into <paramref name="output"/> and records where each line starts.</summary>
    /// <returns>The number of documents (lines) written.</returns>
    /// <exception cref="MetricValidationException">A datum breaks a rule of EMF that PutMetricData does not have (a dimension name over 250 characters).</exception>
    public static int Write(IReadOnlyList<MetricDatum> datums, IBufferWriter<byte> output, List<int>? lineStarts = null)
        => Write(datums, output, EmfFormat.Exact, lineStarts);

    /// <summary>Serializes <paramref name="datums"/> in <paramref name="format"/> and records where each line starts.</summary>
    /// <returns>The number of documents (lines) written.</returns>
    /// <exception cref="MetricValidationException">A datum breaks a rule of EMF that PutMetricData does not have (a dimension name over 250 characters).</exception>
    public static int Write(IReadOnlyList<MetricDatum> datums, IBufferWriter<byte> output, EmfFormat format, List<int>? lineStarts = null)
    {
        ArgumentNullException.ThrowIfNull(datums);
        foreach (var datum in datums)
        {
            ArgumentNullException.ThrowIfNull(datum, nameof(datums));
            MetricValidator.ValidateForEmf(datum.Dimensions);
            MetricValidator.ValidateDistinctNames(datum.MetricName, datum.Dimensions);
        }

        return Write(datums, output, lineStarts, null, MetricLimits.MaxEmfDocumentBytes, format, null);
    }

    /// <summary>
    /// Serializes <paramref name="datums"/>; each document's datums go to <paramref name="lineDatums"/>, and a document
    /// larger than <paramref name="maxDocumentBytes"/> (1 MB, or a UDP datagram) is split into documents with fewer
    /// metrics. A datum that cannot be written at all (a single metric over the limit) goes to <paramref name="refused"/>.
    /// Per document, <paramref name="linePieces"/> gets what it carries of each datum: the datum itself, or for a datum
    /// split over several documents the piece written there, as a datum of its own (so the unsent pieces of a partly
    /// written datum can be sent alone).
    /// </summary>
    internal static int Write(IReadOnlyList<MetricDatum> datums, IBufferWriter<byte> output, List<int>? lineStarts, List<MetricDatum[]>? lineDatums, int maxDocumentBytes, EmfFormat format, List<(MetricDatum Datum, string Reason)>? refused, List<(MetricDatum Original, MetricDatum Piece)[]>? linePieces = null)
    {
        ArgumentNullException.ThrowIfNull(datums);
        ArgumentNullException.ThrowIfNull(output);

        // A datum is written whole or not at all: when one part of it cannot fit a document, none of its parts is written
        // (a part alone would give CloudWatch statistics that lie) and it is refused once. That needs another pass, only then.
        var excluded = new HashSet<MetricDatum>(ReferenceEqualityComparer.Instance);
        var pass = datums;
        while (true)
        {
            var buffer = new ArrayBufferWriter<byte>(4096);
            var starts = new List<int>();
            var perLine = new List<MetricDatum[]>();
            var entries = new List<Entry[]>();
            var tooLarge = new List<(MetricDatum Datum, string Reason)>();
            var documents = WriteOnce(pass, buffer, starts, perLine, entries, maxDocumentBytes, format, tooLarge);
            if (tooLarge.Count == 0)
            {
                buffer.WrittenSpan.CopyTo(output.GetSpan(buffer.WrittenCount));
                output.Advance(buffer.WrittenCount);
                lineStarts?.AddRange(starts);
                lineDatums?.AddRange(perLine);
                linePieces?.AddRange(Pieces(entries));
                return documents;
            }

            foreach (var (datum, reason) in tooLarge)
            {
                if (excluded.Add(datum))
                {
                    refused?.Add((datum, reason));
                }
            }

            pass = [.. datums.Where(d => !excluded.Contains(d))];
        }
    }

    /// <summary>Each document's pieces: a datum written in one entry is its own piece; an entry of a split datum becomes a datum.</summary>
    private static IEnumerable<(MetricDatum Original, MetricDatum Piece)[]> Pieces(List<Entry[]> lines)
    {
        var entriesPerDatum = new Dictionary<MetricDatum, int>(ReferenceEqualityComparer.Instance);
        foreach (var entry in lines.SelectMany(l => l))
        {
            entriesPerDatum[entry.Datum] = entriesPerDatum.GetValueOrDefault(entry.Datum) + 1;
        }

        return lines.Select(line => line.Select(e => (e.Datum, entriesPerDatum[e.Datum] == 1 || e.Values is null ? e.Datum : e.Datum.PieceOf(e.Statistics, e.Values, e.Counts))).ToArray());
    }

    private static int WriteOnce(IReadOnlyList<MetricDatum> datums, ArrayBufferWriter<byte> output, List<int> lineStarts, List<MetricDatum[]> lineDatums, List<Entry[]> lineEntries, int maxDocumentBytes, EmfFormat format, List<(MetricDatum Datum, string Reason)> refused)
    {
        maxDocumentBytes = Math.Min(maxDocumentBytes, MetricLimits.MaxEmfDocumentBytes);
        var documents = 0;
        var written = 0;
        var scratch = new ArrayBufferWriter<byte>(4096);
        var pending = new Stack<List<Entry>>();
        foreach (var group in Group(datums))
        {
            foreach (var packed in Pack(group, format))
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

                    if (scratch.WrittenCount + 1 > maxDocumentBytes)
                    {
                        if (document.Count > 1)
                        {
                            // Too large for one document: the same metrics in two smaller documents (second half popped last).
                            var half = document.Count / 2;
                            pending.Push(document.GetRange(half, document.Count - half));
                            pending.Push(document.GetRange(0, half));
                        }
                        else
                        {
                            refused.Add((document[0].Datum, $"its document is {scratch.WrittenCount + 1:N0} bytes; the destination carries {maxDocumentBytes:N0}"));
                        }

                        continue;
                    }

                    lineStarts.Add(written);
                    lineDatums.Add([.. document.Select(e => e.Datum).Distinct()]);
                    lineEntries.Add([.. document]);
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

    /// <summary>
    /// One metric of one document: a datum, or one part of it. Written as <see cref="Number"/> when set, else as an
    /// object when <see cref="Statistics"/> is set (with <see cref="Values"/>/<see cref="Counts"/> when those are), else as
    /// the bare array <see cref="Values"/>.
    /// </summary>
    private readonly record struct Entry(MetricDatum Datum, double? Number, StatisticSet? Statistics, double[]? Values, double[]? Counts);

    /// <summary>Packs a group into documents: each metric name once per document, at most 100 metrics and 100 values each.</summary>
    private static List<List<Entry>> Pack(List<MetricDatum> group, EmfFormat format)
    {
        var documents = new List<List<Entry>>();
        var names = new List<HashSet<string>>();
        var parts = new List<Entry>();
        foreach (var datum in group)
        {
            parts.Clear();
            if (format == EmfFormat.Strict)
            {
                ExpandStrict(datum, parts);
            }
            else
            {
                Expand(datum, parts);
            }

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
        if (datum.Values is null)
        {
            parts.Add(datum.StatisticValues is { } set ? new Entry(datum, null, set, null, null) : new Entry(datum, datum.Value ?? 0, null, null, null));
            return;
        }

        var (values, counts) = Normalized(datum);
        if (values.Length == 0)
        {
            // No sample in Values/Counts: the statistic set alone, or nothing at all ("Count":0 is no metric).
            if (datum.StatisticValues is { } only)
            {
                parts.Add(new Entry(datum, null, only, null, null));
            }

            return;
        }

        var stats = datum.StatisticValues ?? StatisticsOf(values, counts);
        if (values.Length <= MaxValuesPerMetric)
        {
            parts.Add(new Entry(datum, null, stats, values, counts));
            return;
        }

        Aggregation.DistributionSplitter.Resplit(values, counts, stats, (s, v, c) => parts.Add(new Entry(datum, null, s, v, c)), MaxValuesPerMetric);
    }

    private static void ExpandStrict(MetricDatum datum, List<Entry> parts)
    {
        if (datum.Values is null)
        {
            parts.Add(new Entry(datum, datum.StatisticValues is { } set ? set.Sum : datum.Value ?? 0, null, null, null));
            return;
        }

        var (values, counts) = Normalized(datum);
        if (values.Length == 0)
        {
            if (datum.StatisticValues is { } only)
            {
                parts.Add(new Entry(datum, only.Sum, null, null, null));
            }

            return;
        }

        // Whole samples: the total count rounded (at least one, at most the cap), shared out in proportion to the counts by
        // largest remainder, so fractional counts are not inflated and the cap keeps the distribution's shape.
        var total = 0d;
        foreach (var c in counts)
        {
            total += c;
        }

        var target = (int)Math.Clamp(Math.Round(total, MidpointRounding.AwayFromZero), 1, MaxStrictSamplesPerDatum);
        var shares = new int[values.Length];
        var remainders = new (double Remainder, int Index)[values.Length];
        var given = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var exact = counts[i] / total * target;
            shares[i] = (int)Math.Floor(exact);
            given += shares[i];
            remainders[i] = (exact - shares[i], i);
        }

        Array.Sort(remainders, static (a, b) => b.Remainder.CompareTo(a.Remainder));
        for (var r = 0; given < target; r++, given++)
        {
            shares[remainders[r % remainders.Length].Index]++;
        }

        var samples = new List<double>(target);
        for (var i = 0; i < values.Length; i++)
        {
            for (var r = 0; r < shares[i]; r++)
            {
                samples.Add(values[i]);
            }
        }

        foreach (var chunk in samples.Chunk(MaxValuesPerMetric))
        {
            parts.Add(new Entry(datum, null, null, chunk, null));
        }
    }

    /// <summary>A datum's values in ascending order with their counts, entries with a count of 0 left out.</summary>
    private static (double[] Values, double[] Counts) Normalized(MetricDatum datum)
    {
        var values = datum.Values!;
        var counts = datum.Counts;
        var pairs = new List<(double Value, double Count)>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var count = counts is null ? 1 : counts[i];
            if (count > 0)
            {
                pairs.Add((values[i], count));
            }
        }

        // The splitter's parts partition the value range: that holds only for ascending values (the public API allows any order).
        pairs.Sort(static (a, b) => a.Value.CompareTo(b.Value));
        return ([.. pairs.Select(p => p.Value)], [.. pairs.Select(p => p.Count)]);
    }

    private static StatisticSet StatisticsOf(double[] values, double[] counts)
    {
        // Neumaier's compensated sum: values of opposite sign near ±2^360 would otherwise swallow the small ones.
        double count = 0, sum = 0, compensation = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (var i = 0; i < values.Length; i++)
        {
            count += counts[i];
            var term = values[i] * counts[i];
            var next = sum + term;
            compensation += Math.Abs(sum) >= Math.Abs(term) ? (sum - next) + term : (term - next) + sum;
            sum = next;
            min = Math.Min(min, values[i]);
            max = Math.Max(max, values[i]);
        }

        return new StatisticSet(count, sum + compensation, min, max);
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
            if (entry.Number is { } number)
            {
                writer.WriteNumber(entry.Datum.MetricName, number);
                continue;
            }

            if (entry.Statistics is not { } stats)
            {
                writer.WriteStartArray(entry.Datum.MetricName);
                foreach (var v in entry.Values!)
                {
                    writer.WriteNumberValue(v);
                }

                writer.WriteEndArray();
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
