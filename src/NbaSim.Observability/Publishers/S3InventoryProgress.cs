namespace NbaSim.Observability;

/// <summary>Progress of an inventory run.</summary>
/// <param name="Bucket">Bucket being listed.</param>
/// <param name="Objects">Objects counted so far in this bucket.</param>
/// <param name="Bytes">Bytes counted so far in this bucket.</param>
public readonly record struct S3InventoryProgress(string Bucket, long Objects, long Bytes);
