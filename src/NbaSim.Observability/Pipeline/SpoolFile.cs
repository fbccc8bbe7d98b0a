namespace NbaSim.Observability.Pipeline;

/// <summary>A spool file known to the queue, and which of its datums are not yet acknowledged.</summary>
internal sealed class SpoolFile(SpoolFileInfo info, SpoolLane lane)
{
    public SpoolFileInfo Info { get; set; } = info;

    /// <summary>The backlog (found at start) or the files this process wrote.</summary>
    public SpoolLane Lane { get; } = lane;

    /// <summary>Its datums not yet acknowledged, once loaded.</summary>
    public HashSet<QueuedDatum> Outstanding { get; } = new(ReferenceEqualityComparer.Instance);

    public bool Loaded { get; set; }

    /// <summary>Datums of this file in flight.</summary>
    public int Leased { get; set; }

    /// <summary>Some datums were acknowledged but the file on disk still holds them.</summary>
    public bool PartlyAcknowledged { get; set; }
}
