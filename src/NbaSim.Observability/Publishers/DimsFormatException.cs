namespace NbaSim.Observability;

/// <summary>A DIMS file that cannot be published: names the file, the line and the key. Nothing from the file was published.</summary>
public sealed class DimsFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public DimsFormatException(string file, long line, string key, string problem, Exception? inner = null)
        : base($"{file}:{line}: {key}: {problem}", inner)
    {
        File = file;
        Line = line;
        Key = key;
    }

    /// <summary>The file.</summary>
    public string File { get; }

    /// <summary>1-based line (0 when unknown).</summary>
    public long Line { get; }

    /// <summary>The mapped key, e.g. s3_storage.total_objects.</summary>
    public string Key { get; }
}
