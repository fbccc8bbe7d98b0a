namespace NbaSim.Observability.Pipeline;

/// <content>SpoolStore: fsync of the directory after a rename or delete; quiet deletes of leftovers.</content>
internal sealed partial class SpoolStore
{
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
}
