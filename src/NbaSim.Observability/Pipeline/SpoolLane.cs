namespace NbaSim.Observability.Pipeline;

/// <summary>Spool files waiting in one order: loaded datums first, then files not read yet, oldest first.</summary>
internal sealed class SpoolLane
{
    public LinkedList<QueuedDatum> Loaded { get; } = new();

    public Queue<SpoolFile> Unloaded { get; } = new();

    public bool IsEmpty => Loaded.Count == 0 && Unloaded.Count == 0;
}
