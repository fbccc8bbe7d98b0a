namespace NbaSim.Observability.Aggregation;

/// <summary>
/// A lock-free, allocation-free (after warm-up) histogram with log-linear buckets: each power of two is split into
/// 64 equal sub-buckets, so a bucket's midpoint is within 1/128 (0.79 %) of every value in it. The bucket index comes
/// from the bits of the double (exponent and top mantissa bits), so recording needs no logarithm.
/// </summary>
/// <remarks>
/// Each octave holds one block of 64 counts per stripe (<see cref="Stripes"/>), a cache line apart, so threads on
/// different processors count the same value without sharing a line; <see cref="Drain"/> adds the stripes up.
/// Octaves are allocated on first use (576 bytes per stripe), so memory follows the range actually observed.
/// Magnitudes below 2^-64 are counted as zero; magnitudes at or above 2^64 land in an overflow bucket whose
/// representative is the exact extreme (the owner clamps representatives to the exact [min, max]).
/// </remarks>
internal sealed class LogLinearHistogram
{
    internal const int SubBucketBits = 6;
    internal const int SubBuckets = 1 << SubBucketBits;
    internal const int MinExponent = -64;
    internal const int MaxExponent = 63;
    internal const int Octaves = MaxExponent - MinExponent + 1;

    /// <summary>Longs from one stripe's block to the next: 64 counts and one cache line of gap.</summary>
    private const int StripeStride = SubBuckets + 8;

    private readonly long[]?[] _positive = new long[Octaves][];
    private readonly long[]?[] _negative = new long[Octaves][];
    private long _zero;
    private long _negativeOverflow;
    private long _positiveOverflow;

    /// <summary>Counts one occurrence of <paramref name="value"/> (finite) in the first stripe.</summary>
    public void Record(double value) => Record(value, 0);

    /// <summary>Counts one occurrence of <paramref name="value"/> (finite) in <paramref name="stripe"/> (below <see cref="Stripes.Count"/>).</summary>
    public void Record(double value, int stripe)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        if (exponent < MinExponent)
        {
            Interlocked.Increment(ref _zero);
            return;
        }

        if (exponent > MaxExponent)
        {
            Interlocked.Increment(ref bits < 0 ? ref _negativeOverflow : ref _positiveOverflow);
            return;
        }

        var sub = (int)((bits >> (52 - SubBucketBits)) & (SubBuckets - 1));
        var octaves = bits < 0 ? _negative : _positive;
        var octave = exponent - MinExponent;
        var counts = Volatile.Read(ref octaves[octave]) ?? AllocateOctave(octaves, octave);
        Interlocked.Increment(ref counts[(stripe * StripeStride) + sub]);
    }

    /// <summary>Adds <paramref name="count"/> occurrences to sub-bucket <paramref name="sub"/> of <paramref name="octave"/> (a folded per-thread cell).</summary>
    public void Add(int octave, int sub, bool negative, long count)
    {
        var octaves = negative ? _negative : _positive;
        var counts = Volatile.Read(ref octaves[octave]) ?? AllocateOctave(octaves, octave);
        Interlocked.Add(ref counts[sub], count);
    }

    /// <summary>Adds occurrences below 2^-64 (zero) or at or above 2^64 (the overflow bucket of their sign).</summary>
    public void AddOutliers(long zeros, long negativeOverflow, long positiveOverflow)
    {
        if (zeros != 0)
        {
            Interlocked.Add(ref _zero, zeros);
        }

        if (negativeOverflow != 0)
        {
            Interlocked.Add(ref _negativeOverflow, negativeOverflow);
        }

        if (positiveOverflow != 0)
        {
            Interlocked.Add(ref _positiveOverflow, positiveOverflow);
        }
    }

    /// <summary>
    /// Moves every non-zero bucket into <paramref name="output"/> as (representative, count), ascending by value,
    /// and resets it. Concurrent records either land in this snapshot or stay for the next one; none is lost.
    /// </summary>
    public void Drain(List<HistogramBucket> output)
    {
        DrainOverflow(ref _negativeOverflow, negative: true, output);
        for (var octave = Octaves - 1; octave >= 0; octave--)
        {
            DrainOctave(_negative, octave, negative: true, output);
        }

        if (Volatile.Read(ref _zero) != 0)
        {
            var zeros = Interlocked.Exchange(ref _zero, 0);
            if (zeros != 0)
            {
                var tiny = Math.ScaleB(1, MinExponent);
                output.Add(new HistogramBucket(0d, -tiny, tiny, zeros));
            }
        }

        for (var octave = 0; octave < Octaves; octave++)
        {
            DrainOctave(_positive, octave, negative: false, output);
        }

        DrainOverflow(ref _positiveOverflow, negative: false, output);
    }

    /// <summary>The edges of the bucket that holds <paramref name="value"/> (as <see cref="Record(double, int)"/> would file it).</summary>
    internal static (double Lower, double Upper) BoundsOf(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        if (!double.IsFinite(value) || exponent > MaxExponent)
        {
            var edge = Math.ScaleB(1, MaxExponent + 1);
            return value < 0 ? (double.NegativeInfinity, -edge) : (edge, double.PositiveInfinity);
        }

        if (exponent < MinExponent)
        {
            var tiny = Math.ScaleB(1, MinExponent);
            return (-tiny, tiny);
        }

        var sub = (int)((bits >> (52 - SubBucketBits)) & (SubBuckets - 1));
        var bucket = Bucket(exponent - MinExponent, sub, bits < 0, 0);
        return (bucket.Lower, bucket.Upper);
    }

    /// <summary>A bucket [2^e × (1 + sub/64), 2^e × (1 + (sub+1)/64)) and its midpoint.</summary>
    internal static HistogramBucket Bucket(int octave, int sub, bool negative, long count)
    {
        var exponent = octave + MinExponent;
        var lower = Math.ScaleB(1 + ((double)sub / SubBuckets), exponent);
        var upper = Math.ScaleB(1 + ((sub + 1d) / SubBuckets), exponent);
        var middle = Math.ScaleB(1 + ((sub + 0.5) / SubBuckets), exponent);
        return negative ? new HistogramBucket(-middle, -upper, -lower, count) : new HistogramBucket(middle, lower, upper, count);
    }

    private static void DrainOverflow(ref long counter, bool negative, List<HistogramBucket> output)
    {
        if (Volatile.Read(ref counter) == 0)
        {
            return;
        }

        var count = Interlocked.Exchange(ref counter, 0);
        if (count != 0)
        {
            // Unbounded bucket: its representative becomes the exact extreme once clamped by the owner.
            var edge = Math.ScaleB(1, MaxExponent + 1);
            output.Add(negative
                ? new HistogramBucket(double.NegativeInfinity, double.NegativeInfinity, -edge, count)
                : new HistogramBucket(double.PositiveInfinity, edge, double.PositiveInfinity, count));
        }
    }

    private static long[] AllocateOctave(long[]?[] octaves, int octave)
    {
        // Only the first sample in a new power of two allocates; racing threads agree on one array.
        var fresh = new long[StripeStride * Stripes.Count];
        return Interlocked.CompareExchange(ref octaves[octave], fresh, null) ?? fresh;
    }

    private static void DrainOctave(long[]?[] octaves, int octave, bool negative, List<HistogramBucket> output)
    {
        var counts = Volatile.Read(ref octaves[octave]);
        if (counts is null)
        {
            return;
        }

        // Negative values: larger magnitude is smaller value, so walk sub-buckets downwards to stay ascending.
        for (var i = 0; i < SubBuckets; i++)
        {
            var sub = negative ? SubBuckets - 1 - i : i;
            long count = 0;
            for (var index = sub; index < counts.Length; index += StripeStride)
            {
                if (Volatile.Read(ref counts[index]) != 0)
                {
                    count += Interlocked.Exchange(ref counts[index], 0);
                }
            }

            if (count != 0)
            {
                output.Add(Bucket(octave, sub, negative, count));
            }
        }
    }
}

/// <summary>A drained bucket: its representative (midpoint), bounds and count.</summary>
internal readonly record struct HistogramBucket(double Value, double Lower, double Upper, long Count);
