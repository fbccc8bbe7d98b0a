using System.Text;

namespace NbaSim.Observability.Pipeline;

/// <content>SpoolStore: the directory and its owner: created owner-only, one process and one sink at a time (spool.lock).</content>
internal sealed partial class SpoolStore
{
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
}
