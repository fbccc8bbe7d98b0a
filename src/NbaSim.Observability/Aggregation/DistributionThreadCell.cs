using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NbaSim.Observability.Aggregation;

/// <summary>
/// A distribution's per-thread cell (<see cref="ThreadCells{TCell}"/>): the same log-linear buckets as
/// <see cref="LogLinearHistogram"/>, plus sum and extremes, all written with plain stores by the owning thread.
/// </summary>
/// <remarks>
/// The bucket counts are the sample count, so a sample writes no count of its own. Octaves (64 counts) are allocated on first use by the owning thread outside its recording, and kept across periods:
/// <see cref="Reset"/> zeroes them. A 128-entry table per sign in use; negative values are rare, so theirs is lazy.
/// </remarks>
internal sealed class DistributionThreadCell : ThreadCell
{
    /// <summary>The positive octaves, inline in the cell: one dependent load less on the recording path.</summary>
    private OctaveTable _positive;
    private long[]?[]? _negative;
    private long _zero;
    private long _negativeOverflow;
    private long _positiveOverflow;

    /// <summary>
    /// Counts one sample (the owning thread, inside its recording); false, having written nothing, when its octave is
    /// not allocated yet: the caller leaves the recording, calls <see cref="Allocate"/> and tries again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRecord(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var octave = (int)((bits >> 52) & 0x7FF) - 1023 - LogLinearHistogram.MinExponent;
        if ((uint)octave < LogLinearHistogram.Octaves)
        {
            // Indexes proven in range (the octave just above, the sub-bucket by its mask): no bounds checks.
            var counts = bits >= 0 ? Unsafe.Add(ref Unsafe.As<OctaveTable, long[]?>(ref _positive), octave)
                : _negative is { } negative ? Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(negative), octave) : null;
            if (counts is null)
            {
                return false;
            }

            Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(counts), (int)(bits >> (52 - LogLinearHistogram.SubBucketBits)) & (LogLinearHistogram.SubBuckets - 1))++;
        }
        else if (octave < 0)
        {
            _zero++;
        }
        else if (bits < 0)
        {
            _negativeOverflow++;
        }
        else
        {
            _positiveOverflow++;
        }

        AddStatistics(value);
        return true;
    }

    /// <summary>Allocates the octave <paramref name="value"/> falls in (the owning thread, outside its recording).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Allocate(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var octave = (int)((bits >> 52) & 0x7FF) - 1023 - LogLinearHistogram.MinExponent;
        if ((uint)octave >= LogLinearHistogram.Octaves)
        {
            return;
        }

        if (bits < 0)
        {
            (_negative ??= new long[LogLinearHistogram.Octaves][])[octave] ??= new long[LogLinearHistogram.SubBuckets];
        }
        else
        {
            _positive[octave] ??= new long[LogLinearHistogram.SubBuckets];
        }
    }

    /// <summary>Adds every count into <paramref name="histogram"/> (harvest thread; the cell is quiescent).</summary>
    public void MoveTo(LogLinearHistogram histogram)
    {
        MoveTo(histogram, _positive, negative: false);
        if (_negative is { } negatives)
        {
            MoveTo(histogram, negatives, negative: true);
        }

        histogram.AddOutliers(_zero, _negativeOverflow, _positiveOverflow);
    }

    /// <inheritdoc />
    public override long SamplesHeld()
    {
        var samples = Volatile.Read(ref _zero) + Volatile.Read(ref _negativeOverflow) + Volatile.Read(ref _positiveOverflow) + Held(_positive);
        return _negative is { } negatives ? samples + Held(negatives) : samples;
    }

    /// <inheritdoc />
    public override void Reset()
    {
        Clear(_positive);
        if (_negative is { } negatives)
        {
            Clear(negatives);
        }

        _zero = _negativeOverflow = _positiveOverflow = 0;
        base.Reset();
    }

    private static void MoveTo(LogLinearHistogram histogram, ReadOnlySpan<long[]?> table, bool negative)
    {
        for (var octave = 0; octave < table.Length; octave++)
        {
            if (table[octave] is not { } counts)
            {
                continue;
            }

            for (var sub = 0; sub < counts.Length; sub++)
            {
                if (counts[sub] != 0)
                {
                    histogram.Add(octave, sub, negative, counts[sub]);
                }
            }
        }
    }

    private static long Held(ReadOnlySpan<long[]?> table)
    {
        long samples = 0;
        foreach (var counts in table)
        {
            if (counts is not null)
            {
                foreach (var count in counts)
                {
                    samples += count;
                }
            }
        }

        return samples;
    }

    private static void Clear(ReadOnlySpan<long[]?> table)
    {
        foreach (var counts in table)
        {
            if (counts is not null)
            {
                Array.Clear(counts);
            }
        }
    }
}

/// <summary>One reference per octave, stored inline.</summary>
[InlineArray(LogLinearHistogram.Octaves)]
internal struct OctaveTable
{
    private long[]? _first;
}
