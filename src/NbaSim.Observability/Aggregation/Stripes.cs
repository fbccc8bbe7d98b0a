using System.Runtime.CompilerServices;

namespace NbaSim.Observability.Aggregation;

/// <summary>
/// How a series spreads concurrent recordings: one stripe per processor (a power of two, at most
/// <see cref="MaxCount"/>), picked by the processor the thread runs on. Threads on different processors then write
/// different cache lines instead of taking turns on one; the harvest adds the stripes up, so totals stay exact.
/// </summary>
/// <remarks>
/// Any thread may land on any stripe (a thread moves between processors): stripes are only written with atomic
/// operations, so a shared stripe costs contention, never a lost sample.
/// </remarks>
internal static class Stripes
{
    /// <summary>
    /// The cap: every stripe multiplies a distribution's bucket memory (576 B per power of two in use), so a 64-core
    /// machine shares 4 stripes rather than paying for 64.
    /// </summary>
    public const int MaxCount = 4;

    /// <summary>Bytes between two stripes' hot fields: two cache lines, as the adjacent-line prefetcher pairs them.</summary>
    public const int Spacing = 128;

    /// <summary>Stripes per series on this machine: 1, 2 or 4.</summary>
    public static readonly int Count = Environment.ProcessorCount switch
    {
        <= 1 => 1,
        2 => 2,
        _ => MaxCount,
    };

    /// <summary>The stripe of the calling thread's current processor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Current() => Count == 1 ? 0 : Thread.GetCurrentProcessorId() & (Count - 1);
}
