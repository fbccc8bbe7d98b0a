namespace NbaSim.Observability.Aggregation;

/// <summary>The calling thread's slot (<see cref="RecordingThread"/>), read on every recording.</summary>
/// <remarks>
/// A type of its own with no static constructor: the runtime then places a primitive thread-static directly in the
/// thread's TLS block while room is left there (48 bytes per process, first come), one load after the TLS lookup
/// instead of three. A field of <see cref="RecordingThread"/>, whose static fields have initializers, never gets that
/// place. Either way it is correct; only the cost differs.
/// </remarks>
internal static class RecordingSlot
{
    /// <summary>The calling thread's slot + 1; 0 before its first recording.</summary>
    [ThreadStatic]
#pragma warning disable SA1401, CA2211 // a field, not a property: read on every recording
    public static int PlusOne;
#pragma warning restore SA1401, CA2211
}
