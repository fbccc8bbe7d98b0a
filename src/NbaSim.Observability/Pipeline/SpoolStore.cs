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

    /// <summary>
    /// Largest spool file read: a file of 1,000 datums with every field at CloudWatch's maximum is about 45 MB. A larger
    /// file was not written by this library: it is quarantined once, never read whole.
    /// </summary>
    internal const long MaxFileBytes = 64L << 20;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // Spool directories held by this process: a second sink on one directory is refused even where file locks are off.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> HeldInProcess = new(StringComparer.Ordinal);
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly FileStream _lock;
    private long _sequence;

    private long _filesQuarantined;

    public SpoolStore(string directory, ILogger logger)
    {
        _directory = Path.GetFullPath(directory);
        _logger = logger;
        CreateOwnerOnly(_directory);
        if (!HeldInProcess.TryAdd(_directory, true))
        {
            throw InUse("by another sink of this process");
        }

        try
        {
            _lock = AcquireLock();
        }
        catch
        {
            HeldInProcess.TryRemove(_directory, out _);
            throw;
        }

        foreach (var temp in Directory.EnumerateFiles(_directory, "*" + Extension + ".tmp"))
        {
            File.Delete(temp); // left by a crash before its rename: never a complete batch
        }
    }

    /// <summary>Datums of spool files that failed validation on read (quarantined; counted as dropped by the queue).</summary>
    public long RecordsQuarantined => Interlocked.Read(ref _recordsQuarantined);

    private long _recordsQuarantined;

    /// <summary>
    /// Creates the directory readable by the owner only, or checks an existing one: a directory others can write to
    /// (they could plant or swap spool files, which this process would send as its own) is refused, naming it.
    /// </summary>
    private static void CreateOwnerOnly(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnly);
            return;
        }

        var mode = File.GetUnixFileMode(directory);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"NbaObservability:Spool:Directory '{directory}' can be written by other users (mode {Convert.ToString((int)mode, 8)}); make it owner-only (chmod 700) or choose another directory.");
        }
    }

    /// <summary>
    /// One process per spool: an advisory lock, and a lock file holding the owner's PID and start time, checked for
    /// liveness, so the refusal holds where file locks are not enforced (DOTNET_SYSTEM_IO_DISABLEFILELOCKING, some
    /// network file systems). A PID left by a killed process is taken over.
    /// </summary>
    private FileStream AcquireLock()
    {
        var path = Path.Combine(_directory, "spool.lock");
        if (new FileInfo(path).LinkTarget is not null)
        {
            // Opening it would truncate and write the link's target, a file outside the spool.
            throw new InvalidOperationException($"NbaObservability:Spool:Directory '{_directory}' holds a spool.lock that is a symbolic link; links are never followed. Remove it, or choose another directory.");
        }

        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, options);
        }
        catch (IOException ex)
        {
            throw InUse("by another process", ex);
        }

        try
        {
            var owner = ReadOwner(stream);
            var self = ProcessIdentity.Current;
            if (owner is { } other && other != self && ProcessIdentity.IsAlive(other))
            {
                throw InUse($"by process {other.Pid}");
            }

            stream.SetLength(0);
            stream.Write(Encoding.ASCII.GetBytes(self.ToString()));
            stream.Flush(flushToDisk: true);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static ProcessIdentity? ReadOwner(FileStream stream)
    {
        if (stream.Length is 0 or > 128)
        {
            return null;
        }

        var buffer = new byte[stream.Length];
        stream.ReadExactly(buffer);
        stream.Position = 0;
        return ProcessIdentity.TryParse(Encoding.ASCII.GetString(buffer), out var owner) ? owner : null;
    }

    private InvalidOperationException InUse(string by, Exception? inner = null)
        => new($"NbaObservability:Spool:Directory '{_directory}' is in use {by}; give each process its own spool directory.", inner);

    public string DirectoryPath => _directory;

    /// <summary>Files moved to the quarantine directory (or deleted when they could not be moved) by this process.</summary>
    public long FilesQuarantined => Interlocked.Read(ref _filesQuarantined);

    /// <summary>Directory fsyncs done (after renames and deletes).</summary>
    public long DirectorySyncs { get; private set; }

    /// <summary>
    /// The spool files on disk, oldest first. A symbolic link is refused (moved to quarantine, never followed), and so is
    /// a file larger than <see cref="MaxFileBytes"/>: each is logged once, as it leaves the directory.
    /// </summary>
    public List<SpoolFileInfo> List()
    {
        var files = new List<SpoolFileInfo>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            try
            {
                var info = new FileInfo(path);
                if (info.LinkTarget is not null)
                {
                    Quarantine(path, "a symbolic link (never followed)");
                    continue;
                }

                if (info.Length > MaxFileBytes)
                {
                    Quarantine(path, $"{info.Length} bytes, larger than any spool file this library writes ({MaxFileBytes})");
                    continue;
                }

                files.Add(new SpoolFileInfo(path, info.Length, CountFromName(path)));
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

    public void Dispose()
    {
        try
        {
            _lock.SetLength(0); // no owner: the next start need not check a PID
        }
        catch (IOException)
        {
            // A stale PID is taken over by the next start anyway.
        }

        _lock.Dispose();
        HeldInProcess.TryRemove(_directory, out _);
    }

    /// <summary>
    /// Reads a spool file; null when it is gone, unreadable now, or corrupt (then quarantined and logged). Every record is
    /// validated as a new datum is: one that fails (another shape, a value CloudWatch would refuse) is moved to the
    /// quarantine directory and counted in <see cref="RecordsQuarantined"/>, and the file is rewritten with the rest.
    /// </summary>
    public IReadOnlyList<MetricDatum>? Read(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                return Quarantine(path, "a symbolic link (never followed)");
            }

            if (info.Length > MaxFileBytes)
            {
                return Quarantine(path, $"{info.Length} bytes, larger than any spool file this library writes ({MaxFileBytes})");
            }

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
            if (text.Length == 0)
            {
                return [];
            }

            var lines = text.Split('\n');
            var datums = new List<MetricDatum>(lines.Length);
            List<string>? refused = null;
            string? reason = null;
            foreach (var line in lines)
            {
                if (line.Length == 0)
                {
                    // Not a record (and not worth a parser exception each: a file of newlines would cost millions).
                    (refused ??= []).Add(line);
                    reason ??= "an empty record";
                }
                else if (TryDeserialize(line, out var datum, out var why))
                {
                    datums.Add(datum);
                }
                else
                {
                    (refused ??= []).Add(line);
                    reason ??= why;
                }
            }

            if (refused is not null)
            {
                QuarantineRecords(path, refused, reason!, datums);
            }

            return datums;
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

    /// <summary>Moves refused records to quarantine (a file of their own) and rewrites the file with the valid rest.</summary>
    private void QuarantineRecords(string path, List<string> refused, string reason, List<MetricDatum> valid)
    {
        try
        {
            var quarantine = CreateQuarantine();
            File.WriteAllLines(Path.Combine(quarantine, Path.GetFileName(path) + ".records"), refused);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not kept for inspection; still counted and logged below.
        }

        Interlocked.Add(ref _recordsQuarantined, refused.Count);
        Internal.Log.SpoolQuarantined(_logger, path, $"{refused.Count} record(s) failed validation ({reason}); the file's other {valid.Count} datum(s) are kept");
        if (valid.Count == 0)
        {
            Delete(path);
            return;
        }

        // The file now holds only what is valid, so a restart neither quarantines (and counts) the same records again.
        try
        {
            var (written, _) = WriteTemp(path, valid);
            File.Move(written, path, overwrite: true);
            TrySyncDirectory(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The valid datums still go now; the file is replaced or deleted as they are acknowledged. Only a restart
            // before that would meet (and count) the refused records again.
            Internal.Log.SpoolProblem(_logger, path, $"not rewritten without its refused records ({ex.Message})");
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

    private string CreateQuarantine()
    {
        var quarantine = Path.Combine(_directory, "quarantine");
        if (new DirectoryInfo(quarantine).LinkTarget is not null)
        {
            // Moving files into it would write outside the spool: the caller deletes (and counts) instead.
            throw new IOException($"'{quarantine}' is a symbolic link; links are never followed");
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(quarantine);
        }
        else
        {
            Directory.CreateDirectory(quarantine, OwnerOnly);
        }

        return quarantine;
    }

    private IReadOnlyList<MetricDatum>? Quarantine(string path, string reason)
    {
        try
        {
            File.Move(path, Path.Combine(CreateQuarantine(), Path.GetFileName(path)), overwrite: true);
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

        if (r.TryGetProperty("ru", out var ru))
        {
            var names = ru.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException("a rollup dimension name is null")).ToHashSet(StringComparer.Ordinal);
            var validated = datum;
            datum = validated.WithRollup(dims.Where(x => names.Contains(x.Name)).ToArray());
        }

        return datum;
    }
}
