using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NbaSim.Observability.Diagnostics;

namespace NbaSim.Observability.Pipeline;

/// <summary>A batch kept on disk until CloudWatch accepted it.</summary>
internal sealed record SpooledBatch(string Path, IReadOnlyList<MetricDatum> Datums);

/// <summary>
/// A write-ahead spool: every batch is written to disk (atomically, with a SHA-256 checksum, readable by the owner only)
/// before it is exported and deleted only after the exporter accepted it, so a crash or an outage loses no closed period.
/// Files are replayed oldest first, by this process or the next one. A corrupt or truncated file is moved to
/// <c>quarantine/</c> and logged, never a crash.
/// </summary>
internal sealed class DiskSpool : IDisposable
{
    private const string Magic = "NBSPOOL1";
    private const string Extension = ".spool";
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly ILogger _logger;
    private readonly PipelineStatistics _statistics;
    private readonly HashSet<string> _delivered = new(StringComparer.Ordinal);
    private readonly FileStream _lock;
    private long _sequence;

    public DiskSpool(string directory, long maxBytes, ILogger logger, PipelineStatistics statistics)
    {
        _directory = Path.GetFullPath(directory);
        _maxBytes = maxBytes;
        _logger = logger;
        _statistics = statistics;
        Directory.CreateDirectory(_directory);
        try
        {
            // One process per spool: a second one would replay (and double-send) the first one's files.
            _lock = new FileStream(Path.Combine(_directory, "spool.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"NbaObservability:Spool:Directory '{_directory}' is in use by another process; give each process its own spool directory.", ex);
        }

        foreach (var temp in Directory.EnumerateFiles(_directory, "*" + Extension + ".tmp"))
        {
            File.Delete(temp); // left by a crash before its rename: never a complete batch
        }
    }

    public string DirectoryPath => _directory;

    /// <summary>The file being exported: never evicted by the size cap while in flight.</summary>
    public string? InFlight { get; set; }

    /// <summary>Spool files, oldest first, without those already delivered whose delete failed.</summary>
    public IReadOnlyList<string> Files()
        => Directory.EnumerateFiles(_directory, "*" + Extension).Where(f => !_delivered.Contains(f)).Order(StringComparer.Ordinal).ToList();

    /// <summary>The exporter accepted the file's datums: delete it, and never export it again even if the delete fails.</summary>
    public void Delivered(string path)
    {
        if (!TryDelete(path))
        {
            _delivered.Add(path);
        }
    }

    /// <summary>Replaces a file's datums atomically (temp file, then rename over it).</summary>
    public void Replace(string path, IReadOnlyList<MetricDatum> datums)
    {
        var temp = WriteTemp(path, datums);
        File.Move(temp, path, overwrite: true);
        _delivered.Remove(path);
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>Writes <paramref name="datums"/> durably; returns the file.</summary>
    public string Write(IReadOnlyList<MetricDatum> datums)
    {
        MakeRoom();
        var name = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow.Ticks:D20}-{Environment.ProcessId:D7}-{Interlocked.Increment(ref _sequence):D8}{Extension}");
        var path = Path.Combine(_directory, name);
        File.Move(WriteTemp(path, datums), path);
        return path;
    }

    private static string WriteTemp(string path, IReadOnlyList<MetricDatum> datums)
    {
        var temp = path + ".tmp";
        var payload = Encoding.UTF8.GetBytes(string.Join('\n', datums.Select(Serialize)));
        var header = Encoding.ASCII.GetBytes($"{Magic} {Convert.ToHexString(SHA256.HashData(payload))} {payload.Length}\n");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(header);
            stream.Write(payload);
            stream.Flush(flushToDisk: true);
        }

        return temp;
    }

    /// <summary>Reads a spool file; null when it was corrupt (then it is quarantined and logged).</summary>
    public SpooledBatch? Read(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            var newline = Array.IndexOf(bytes, (byte)'\n');
            var header = newline > 0 ? Encoding.ASCII.GetString(bytes, 0, newline).Split(' ') : [];
            if (header.Length != 3 || header[0] != Magic || !int.TryParse(header[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || bytes.Length - newline - 1 != length)
            {
                return Quarantine(path, "truncated or not a spool file");
            }

            var payload = bytes.AsSpan(newline + 1);
            if (!string.Equals(Convert.ToHexString(SHA256.HashData(payload)), header[1], StringComparison.Ordinal))
            {
                return Quarantine(path, "checksum mismatch");
            }

            var text = Encoding.UTF8.GetString(payload);
            var datums = text.Length == 0 ? [] : text.Split('\n').Select(Deserialize).ToList();
            return new SpooledBatch(path, datums);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            return Quarantine(path, ex.GetType().Name);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable now (locked, permissions): leave it for the next flush.
            Internal.Log.SpoolProblem(_logger, path, ex.Message);
            return null;
        }
    }

    private bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Internal.Log.SpoolProblem(_logger, path, ex.Message);
            return false;
        }
    }

    private SpooledBatch? Quarantine(string path, string reason)
    {
        try
        {
            var quarantine = Path.Combine(_directory, "quarantine");
            Directory.CreateDirectory(quarantine);
            File.Move(path, Path.Combine(quarantine, Path.GetFileName(path)), overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _delivered.Add(path); // cannot move it: at least never read it again
        }

        Internal.Log.SpoolQuarantined(_logger, path, reason);
        return null;
    }

    /// <summary>Past the size cap, the oldest files go first (counted and logged).</summary>
    private void MakeRoom()
    {
        var files = Files().Select(f => new FileInfo(f)).ToList();
        var total = files.Sum(f => f.Length);
        foreach (var file in files)
        {
            if (total <= _maxBytes)
            {
                break;
            }

            if (string.Equals(file.FullName, InFlight, StringComparison.Ordinal))
            {
                continue;
            }

            var lost = Read(file.FullName)?.Datums.Count ?? 0;
            total -= file.Length;
            TryDelete(file.FullName);
            _statistics.Dropped(lost);
            Internal.Log.SpoolFull(_logger, _maxBytes, lost);
        }
    }

    private static string Serialize(MetricDatum d)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("n", d.Namespace);
            json.WriteString("m", d.MetricName);
            json.WriteNumber("u", (int)d.Unit);
            json.WriteNumber("t", d.Timestamp.UtcTicks);
            json.WriteNumber("r", d.StorageResolution);
            json.WriteStartArray("d");
            foreach (var dim in d.Dimensions)
            {
                json.WriteStringValue(dim.Name);
                json.WriteStringValue(dim.Value);
            }

            json.WriteEndArray();
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

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static MetricDatum Deserialize(string line)
    {
        using var document = JsonDocument.Parse(line);
        var r = document.RootElement;
        var dims = r.GetProperty("d").EnumerateArray().Select(e => e.GetString()!).Chunk(2).Select(p => new MetricDimension(p[0], p[1])).ToArray();
        StatisticSet? stats = r.TryGetProperty("s", out var s) ? new StatisticSet(s[0].GetDouble(), s[1].GetDouble(), s[2].GetDouble(), s[3].GetDouble()) : null;
        double[]? values = r.TryGetProperty("vs", out var vs) ? vs.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;
        double[]? counts = r.TryGetProperty("cs", out var cs) ? cs.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;
        double? value = r.TryGetProperty("v", out var v) ? v.GetDouble() : null;
        return new MetricDatum(r.GetProperty("n").GetString()!, r.GetProperty("m").GetString()!, dims, (MetricUnit)r.GetProperty("u").GetInt32(),
            new DateTimeOffset(r.GetProperty("t").GetInt64(), TimeSpan.Zero), r.GetProperty("r").GetInt32(), value, stats, values, counts);
    }

}
