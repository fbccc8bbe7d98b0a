namespace NbaSim.Observability.Cli.Input;

/// <summary>
/// Files named on the command line, opened with their limits (docs/reliability.md, "Input limits"): a directory, a
/// missing file or a file past its limit is refused with the option, the path and the limit; a device such as
/// <c>/dev/zero</c> is read only up to the limit.
/// </summary>
internal static class InputFile
{
    /// <summary>A <c>--config</c> JSON file.</summary>
    public const long MaxConfigBytes = 1024 * 1024;

    /// <summary>A JUnit or TRX report (a 1,000,000-test pytest report is about 60 MB).</summary>
    public const long MaxReportBytes = 128L * 1024 * 1024;

    /// <summary>One tag (with its attributes), comment or CDATA section of a report, in characters: what the XML reader holds at once.</summary>
    public const long MaxXmlItemChars = 16L * 1024 * 1024;

    /// <summary>An EMF file given to <c>dashboards preview</c>.</summary>
    public const long MaxEmfBytes = 256L * 1024 * 1024;

    /// <summary>An application assembly given to <c>--assembly</c>, read whole (its metadata only).</summary>
    public const long MaxAssemblyBytes = 256L * 1024 * 1024;

    /// <summary>Checks that <paramref name="path"/> names a readable file, not a directory; throws a one-line input error.</summary>
    public static string Require(string option, string? path, string hint)
    {
        var full = NotADirectory(option, path, hint);
        if (!File.Exists(full))
        {
            throw new CliInputException($"{option} {full} {(ParentUnreadable(full) ? "cannot be read: permission denied on its directory" : "does not exist")}; {hint}");
        }

        if (File.ResolveLinkTarget(full, returnFinalTarget: true) is { Exists: false } target)
        {
            throw new CliInputException($"{option} {full} is a link to {target.FullName}, which does not exist; {hint}");
        }

        return full;
    }

    /// <summary>Opens a file for reading, bounded: reading past <paramref name="limit"/> bytes throws a one-line input error.</summary>
    public static Stream OpenBounded(string option, string path, long limit, string hint)
    {
        var full = Require(option, path, hint);
        try
        {
            var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
            return new BoundedReadStream(stream, limit, $"{option} {full} is larger than the limit of {Describe(limit)} for this input");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CliInputException($"{option} {full} cannot be read: permission denied.", ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliInputException($"{option} {full} does not exist (it went away, or is a link to nothing); {hint}", ex);
        }
    }

    /// <summary>True when the file's directory exists but cannot be listed (File.Exists then says false for any name).</summary>
    private static bool ParentUnreadable(string path)
    {
        var parent = Path.GetDirectoryName(path);
        if (parent is null || !Directory.Exists(parent))
        {
            return false;
        }

        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(parent).GetEnumerator();
            entries.MoveNext();
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>Reads a whole file of at most <paramref name="limit"/> bytes.</summary>
    public static byte[] ReadAll(string option, string path, long limit, string hint)
    {
        using var stream = OpenBounded(option, path, limit, hint);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Checks that <paramref name="path"/> can be written as a file: not a directory, its parent created.</summary>
    public static string RequireWritable(string option, string path, string hint) => NotADirectory(option, path, hint);

    /// <summary>The full path, refusing an empty one and a directory.</summary>
    private static string NotADirectory(string option, string? path, string hint)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliInputException($"{option} is empty; {hint}");
        }

        var full = Path.GetFullPath(path);
        return Directory.Exists(full) ? throw new CliInputException($"{option} {full} is a directory; {hint}") : full;
    }

    /// <summary>1 MiB, 128 MiB, 1,000 bytes.</summary>
    public static string Describe(long bytes)
        => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024):N0} MiB" : $"{bytes:N0} bytes";
}
