namespace NbaSim.Observability.Pipeline;

/// <content>SpoolStore: refused files and records moved aside, counted and logged, never read again.</content>
internal sealed partial class SpoolStore
{
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
}
