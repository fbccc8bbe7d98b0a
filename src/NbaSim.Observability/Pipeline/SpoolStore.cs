using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace NbaSim.Observability.Pipeline;

/// <summary>One spool file found on disk: its path, size and datum count (from its name).</summary>
internal sealed record SpoolFileInfo(string Path, long Bytes, int Datums);

/// <summary>
/// The files of the disk spool, and nothing else: writes batches atomically (temp file, fsync, rename, fsync of the
/// directory), with a SHA-256 checksum, readable by the owner only; reads them back; deletes them (and fsyncs the
/// directory, so a delete survives a power cut). A corrupt or truncated file is moved to <c>quarantine/</c> and logged,
/// never a crash. Which datums are in flight or acknowledged is <see cref="DiskDeliveryQueue"/>'s business.
/// </summary>
internal sealed class SpoolStore : IDisposable
{
    private const string Magic = "NBSPOOL1";
    private const string Extension = ".spool";
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly FileStream _lock;
    private long _sequence;

    private long _filesQuarantined;

    public SpoolStore(string directory, ILogger logger)
    {
        _directory = Path.GetFullPath(directory);
        _logger = logger;
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

    /// <summary>Files moved to the quarantine directory (or deleted when they could not be moved) by this process.</summary>
    public long FilesQuarantined => Interlocked.Read(ref _filesQuarantined);

    /// <summary>Directory fsyncs done (after renames and deletes).</summary>
    public long DirectorySyncs { get; private set; }

    /// <summary>The spool files on disk, oldest first.</summary>
    public List<SpoolFileInfo> List()
    {
        var files = new List<SpoolFileInfo>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            try
            {
                files.Add(new SpoolFileInfo(path, new FileInfo(path).Length, CountFromName(path)));
            }
            catch (FileNotFoundException)
            {
            }
        }

        return files;
    }

    /// <summary>Writes <paramref name="datums"/> durably as a new file (newest of all); returns it.</summary>
    public SpoolFileInfo Write(IReadOnlyList<MetricDatum> datums)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow.Ticks:D20}-{Environment.ProcessId:D7}-{Interlocked.Increment(ref _sequence):D8}-{datums.Count:D6}{Extension}");
        var path = Path.Combine(_directory, name);
        var (temp, bytes) = WriteTemp(path, datums);
        try
        {
            File.Move(temp, path);
        }
        catch
        {
            TryDeleteQuietly(temp);
            throw;
        }

        // Renamed: the file exists and the queue must track it, even if the directory cannot be synced now.
        TrySyncDirectory(path);
        return new SpoolFileInfo(path, bytes, datums.Count);
    }

    /// <summary>Replaces a file's datums atomically (temp file, then rename over it); returns the new file.</summary>
    public SpoolFileInfo Replace(SpoolFileInfo file, IReadOnlyList<MetricDatum> datums)
    {
        // The datum count is part of the name, so the replacement gets a new name; the old name goes in the same
        // rename-then-delete order a crash can interrupt only by leaving both (then the older is replayed: at-least-once).
        var directory = Path.GetDirectoryName(file.Path)!;
        var stem = Path.GetFileNameWithoutExtension(file.Path);
        var prefix = stem.Length > 7 && stem[^7] == '-' ? stem[..^7] : stem;
        var path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{prefix}-{datums.Count:D6}{Extension}"));
        var (temp, bytes) = WriteTemp(path, datums);
        File.Move(temp, path, overwrite: true);

        // Renamed: from here on the new file is the one to track; removing the old one is best effort (logged), as a
        // crash between the two would leave both (the older replayed: the at-least-once window).
        if (!string.Equals(path, file.Path, StringComparison.Ordinal))
        {
            try
            {
                File.Delete(file.Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Internal.Log.SpoolProblem(_logger, file.Path, $"replaced by {Path.GetFileName(path)} but not deleted ({ex.Message}); a restart would send its delivered datums again");
            }
        }

        TrySyncDirectory(path);
        return new SpoolFileInfo(path, bytes, datums.Count);
    }

    /// <summary>Deletes a file whose datums are all acknowledged; false (logged) when the disk refused.</summary>
    public bool Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Internal.Log.SpoolProblem(_logger, path, ex.Message);
            return false;
        }

        TrySyncDirectory(path);
        return true;
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>Reads a spool file; null when it is gone, unreadable now, or corrupt (then quarantined and logged).</summary>
    public IReadOnlyList<MetricDatum>? Read(string path)
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
            return text.Length == 0 ? [] : text.Split('\n').Select(Deserialize).ToList();
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
            // Unreadable now (locked, permissions): left for a later pass.
            Internal.Log.SpoolProblem(_logger, path, ex.Message);
            return null;
        }
    }

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

    private static void TryDeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Removed at the next start.
        }
    }

    /// <summary>The directory fsync after a rename or delete that already happened: a failure is logged, never thrown.</summary>
    private void TrySyncDirectory(string path)
    {
        try
        {
            SyncDirectory();
        }
        catch (IOException ex)
        {
            Internal.Log.SpoolProblem(_logger, path, $"directory not synced ({ex.Message}); a power cut now could undo this change");
        }
    }

    /// <summary>fsync of the directory, so that a rename or delete is durable, not only the file's bytes.</summary>
    private void SyncDirectory()
    {
        DirectorySyncs++;
        if (!OperatingSystem.IsWindows())
        {
            DirectorySync.Sync(_directory);
        }
    }

    private IReadOnlyList<MetricDatum>? Quarantine(string path, string reason)
    {
        try
        {
            var quarantine = Path.Combine(_directory, "quarantine");
            Directory.CreateDirectory(quarantine);
            File.Move(path, Path.Combine(quarantine, Path.GetFileName(path)), overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDeleteQuietly(path);
        }

        Interlocked.Increment(ref _filesQuarantined);
        Internal.Log.SpoolQuarantined(_logger, path, reason);
        return null;
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
        var dims = r.GetProperty("d").EnumerateArray().Select(e => e.GetString()!).Chunk(2).Select(p => new MetricDimension(p[0], p[1])).ToArray();
        StatisticSet? stats = r.TryGetProperty("s", out var s) ? new StatisticSet(s[0].GetDouble(), s[1].GetDouble(), s[2].GetDouble(), s[3].GetDouble()) : null;
        double[]? values = r.TryGetProperty("vs", out var vs) ? vs.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;
        double[]? counts = r.TryGetProperty("cs", out var cs) ? cs.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;
        double? value = r.TryGetProperty("v", out var v) ? v.GetDouble() : null;
        MetricDimension[]? rollup = null;
        if (r.TryGetProperty("ru", out var ru))
        {
            var names = ru.EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
            rollup = dims.Where(d => names.Contains(d.Name)).ToArray();
        }

        return new MetricDatum(r.GetProperty("n").GetString()!, r.GetProperty("m").GetString()!, dims, (MetricUnit)r.GetProperty("u").GetInt32(),
            new DateTimeOffset(r.GetProperty("t").GetInt64(), TimeSpan.Zero), r.GetProperty("r").GetInt32(), value, stats, values, counts) { Rollup = rollup };
    }

}
