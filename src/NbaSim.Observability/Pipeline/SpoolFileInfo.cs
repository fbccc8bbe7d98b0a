namespace NbaSim.Observability.Pipeline;

/// <summary>One spool file found on disk: its path, size and datum count (from its name).</summary>
internal sealed record SpoolFileInfo(string Path, long Bytes, int Datums);
