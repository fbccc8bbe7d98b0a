using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace NbaSim.Observability.Pipeline;

/// <content>SpoolStore: the file format: header, checksum, one JSON record per datum, the count in the file name.</content>
internal sealed partial class SpoolStore
{
    private static int CountFromName(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var dash = stem.LastIndexOf('-');
        var parts = stem.Split('-');
        return parts.Length == 4 && int.TryParse(stem.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : -1;
    }

    private static (string Temp, long Bytes) WriteTemp(string path, IReadOnlyList<MetricDatum> datums)
    {
        var temp = path + ".tmp";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(Math.Max(256, datums.Count * 200));
        using (var json = new Utf8JsonWriter(buffer))
        {
            for (var i = 0; i < datums.Count; i++)
            {
                if (i > 0)
                {
                    buffer.GetSpan(1)[0] = (byte)'\n';
                    buffer.Advance(1);
                }

                Serialize(json, datums[i]);
                json.Flush();
                json.Reset(buffer);
            }
        }

        var payload = buffer.WrittenSpan;
        var header = Encoding.ASCII.GetBytes($"{Magic} {Convert.ToHexString(SHA256.HashData(payload))} {payload.Length}\n");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(temp, options);
            stream.Write(header);
            stream.Write(payload);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            // A full disk leaves a partial temp file: remove it so it does not hold the space the retry needs.
            TryDeleteQuietly(temp);
            throw;
        }

        return (temp, header.Length + buffer.WrittenCount);
    }

    private static void Serialize(Utf8JsonWriter json, MetricDatum d)
    {
        {
            json.WriteStartObject();
            json.WriteString("n", d.Namespace);
            json.WriteString("m", d.MetricName);
            json.WriteNumber("u", (int)d.Unit);
            json.WriteNumber("t", d.Timestamp.UtcTicks);
            json.WriteNumber("r", d.StorageResolution);
            if (d.Kind is { } kind)
            {
                json.WriteNumber("k", (int)kind); // for OTLP's mapping (counter, gauge, distribution); older files have none
            }

            if (d.IsMergedRollup)
            {
                json.WriteBoolean("mr", true);
            }

            json.WriteStartArray("d");
            foreach (var dim in d.Dimensions)
            {
                json.WriteStringValue(dim.Name);
                json.WriteStringValue(dim.Value);
            }

            json.WriteEndArray();
            if (d.Rollup is { } rollup)
            {
                // The rollup's dimensions are a subset of the datum's: their names are enough.
                json.WriteStartArray("ru");
                foreach (var dim in rollup)
                {
                    json.WriteStringValue(dim.Name);
                }

                json.WriteEndArray();
            }

            if (d.Value is { } value)
            {
                json.WriteNumber("v", value);
            }

            if (d.StatisticValues is { } s)
            {
                json.WriteStartArray("s");
                json.WriteNumberValue(s.SampleCount);
                json.WriteNumberValue(s.Sum);
                json.WriteNumberValue(s.Minimum);
                json.WriteNumberValue(s.Maximum);
                json.WriteEndArray();
            }

            if (d.Values is { } values)
            {
                json.WriteStartArray("vs");
                foreach (var v in values)
                {
                    json.WriteNumberValue(v);
                }

                json.WriteEndArray();
                json.WriteStartArray("cs");
                foreach (var c in d.Counts ?? [])
                {
                    json.WriteNumberValue(c);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }
    }

    private static MetricDatum Deserialize(string line)
    {
        using var document = JsonDocument.Parse(line);
        var r = document.RootElement;
        var d = r.GetProperty("d");
        if (d.GetArrayLength() % 2 != 0)
        {
            throw new FormatException($"the dimension array has {d.GetArrayLength()} entries, not name/value pairs");
        }

        var strings = d.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException("a dimension name or value is null")).ToArray();
        var dims = strings.Chunk(2).Select(p => new MetricDimension(p[0], p[1])).ToArray();
        var ns = r.GetProperty("n").GetString() ?? throw new FormatException("the namespace is null");
        var name = r.GetProperty("m").GetString() ?? throw new FormatException("the metric name is null");
        var unit = (MetricUnit)r.GetProperty("u").GetInt32();
        var timestamp = new DateTimeOffset(r.GetProperty("t").GetInt64(), TimeSpan.Zero);
        var resolution = r.GetProperty("r").GetInt32();
        var now = DateTimeOffset.UtcNow;
        var checkAgainst = timestamp < now ? timestamp : now; // age is the batch builder's business; the future is not
        double[]? values = r.TryGetProperty("vs", out var vs) ? vs.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;
        double[]? counts = r.TryGetProperty("cs", out var cs) ? cs.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;

        MetricDatum datum;
        if (r.TryGetProperty("s", out var s))
        {
            if (s.GetArrayLength() != 4)
            {
                throw new FormatException($"the statistic set has {s.GetArrayLength()} entries, not 4");
            }

            var stats = new StatisticSet(s[0].GetDouble(), s[1].GetDouble(), s[2].GetDouble(), s[3].GetDouble());
            datum = MetricDatum.CreateStatistics(ns, name, stats, unit, timestamp, dims, values, counts, resolution, checkAgainst);
        }
        else if (r.TryGetProperty("v", out var v))
        {
            datum = MetricDatum.CreateValue(ns, name, v.GetDouble(), unit, timestamp, dims, resolution, checkAgainst);
        }
        else if (values is not null)
        {
            datum = MetricDatum.CreateDistribution(ns, name, values, counts, unit, timestamp, dims, resolution, checkAgainst);
        }
        else
        {
            throw new FormatException("the record has no value, statistic set or distribution");
        }

        var mergedRollup = r.TryGetProperty("mr", out var mr) && mr.ValueKind == JsonValueKind.True;
        if (r.TryGetProperty("k", out var k) || mergedRollup)
        {
            MetricKind? kind = k.ValueKind == JsonValueKind.Number ? (MetricKind)k.GetInt32() : null;
            if (kind is { } defined && !Enum.IsDefined(defined))
            {
                throw new FormatException($"the kind {k.GetInt32()} is not a metric kind");
            }

            datum = new MetricDatum(datum.Namespace, datum.MetricName, datum.RawDimensions, datum.Unit, datum.Timestamp, datum.StorageResolution, datum.Value, datum.StatisticValues, datum.RawValues, datum.RawCounts) { Kind = kind, IsMergedRollup = mergedRollup };
        }

        if (r.TryGetProperty("ru", out var ru))
        {
            var names = ru.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException("a rollup dimension name is null")).ToHashSet(StringComparer.Ordinal);
            var validated = datum;
            datum = validated.WithRollup(dims.Where(x => names.Contains(x.Name)).ToArray());
        }

        return datum;
    }

    /// <summary>
    /// Reads one record and validates it exactly as a new datum is validated (the public factories), except its age:
    /// a datum past CloudWatch's 14 days is dropped and counted when a batch is built, not quarantined here.
    /// </summary>
    private static bool TryDeserialize(string line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MetricDatum? datum, out string? reason)
    {
        datum = null;
        reason = null;
        try
        {
            datum = Deserialize(line);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            reason = ex is MetricValidationException or FormatException ? ex.Message : ex.GetType().Name;
            return false;
        }
    }
}
