using System.Runtime.CompilerServices;

namespace NbaSim.Observability.Aggregation;

/// <summary>A counter's per-thread cell (<see cref="ThreadCells{TCell}"/>): sum, count and extremes, plain stores.</summary>
internal sealed class CounterThreadCell : ThreadCell
{
    /// <summary>Adds one sample (the owning thread, inside its recording).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(double value)
    {
        Count++;
        AddStatistics(value);
    }

    /// <inheritdoc />
    public override long SamplesHeld() => Volatile.Read(ref Count);
}
