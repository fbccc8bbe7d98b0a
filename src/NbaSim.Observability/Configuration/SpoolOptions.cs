namespace NbaSim.Observability;

/// <summary>
/// A write-ahead disk spool: with a directory set, every batch is on disk before it is exported and deleted only once
/// the exporter accepted it, so outages and crashes lose no closed period; the next process replays what is left.
/// </summary>
public sealed class SpoolOptions
{
    /// <summary>Directory of the spool files (created, readable by the owner only). Default: none (spool off).</summary>
    /// <value>The default value is none (spool off).</value>
    public string? Directory { get; set; }

    /// <summary>Cap of the spool; past it the oldest files are dropped, counted and logged. Default 256 MB; 1 MB to 100 GB.</summary>
    /// <value>The default value is 256 MB.</value>
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;
}
