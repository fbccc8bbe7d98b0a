using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace NbaSim.Observability.Pipeline;

/// <summary>
/// The files of the disk spool, and nothing else: writes batches atomically (temp file, fsync, rename, fsync of the
/// directory), with a SHA-256 checksum, readable by the owner only; reads them back; deletes them (and fsyncs the
/// directory, so a delete survives a power cut). A corrupt or truncated file is moved to <c>quarantine/</c> and logged,
/// never a crash. Which datums are in flight or acknowledged is <see cref="DiskDeliveryQueue"/>'s business.
/// </summary>
internal sealed partial class SpoolStore : IDisposable
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
}
