using System.Runtime.InteropServices;

namespace NbaSim.Observability.Aggregation;

/// <summary>
/// One stripe of a series' running statistics (<see cref="Stripes"/>). The fields sit in the middle of
/// <see cref="Stripes.Spacing"/> bytes, so the hot fields of two stripes of one array never share a cache line.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Stripes.Spacing)]
internal struct StatisticCell
{
    /// <summary>Samples (counters; a distribution counts in its buckets).</summary>
    [FieldOffset(64)]
    public long Count;

    /// <summary>Sum of the samples.</summary>
    [FieldOffset(72)]
    public double Sum;

    /// <summary>Smallest sample, +∞ when none.</summary>
    [FieldOffset(80)]
    public double Min;

    /// <summary>Largest sample, −∞ when none.</summary>
    [FieldOffset(88)]
    public double Max;

    /// <summary>One empty cell per stripe.</summary>
    public static StatisticCell[] NewStripes()
    {
        var cells = new StatisticCell[Stripes.Count];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i].Min = double.PositiveInfinity;
            cells[i].Max = double.NegativeInfinity;
        }

        return cells;
    }
}
