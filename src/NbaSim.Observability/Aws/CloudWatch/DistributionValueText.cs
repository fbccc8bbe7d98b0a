using System.Globalization;
using System.Text;
using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability.Aws.CloudWatch;

/// <summary>
/// The short UTF-8 text of a histogram bucket's representative, cached per bucket index. A bucket's midpoint is a
/// dyadic fraction that needs up to 17 digits to round-trip; on the wire it is written as the shortest decimal within
/// <see cref="RelativeTolerance"/> of the midpoint. Worst case for a percentile read from Values/Counts:
/// 1/128 (half a bucket, 0.78 %) + 0.15 % × (1 + 1/128) &lt; 0.94 %, inside the documented 1 % bound.
/// Any other value (an exact minimum or maximum, a caller's own Values) is written exactly.
/// </summary>
internal static class DistributionValueText
{
    /// <summary>How far the written text may be from the bucket's midpoint, relative to it.</summary>
    public const double RelativeTolerance = 0.0015;

    private const int Octaves = 128; // LogLinearHistogram: exponents -64..63
    private const int MidpointBit = 52 - LogLinearHistogram.SubBucketBits - 1;
    private const long BelowSubBucket = (1L << (52 - LogLinearHistogram.SubBucketBits)) - 1;

    // Per sign and octave, allocated on first use: 64 texts of up to 16 bytes, stored as two words and a length.
    private static readonly Text[]?[] Cache = new Text[]?[2 * Octaves];

    /// <summary>
    /// Writes the cached text of <paramref name="value"/> when it is exactly a bucket midpoint, at
    /// <paramref name="into"/> (which must have 16 writable bytes), and returns its length; otherwise 0.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static unsafe int TryWrite(double value, byte* into)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var octave = (int)((bits >> 52) & 0x7FF) - 1023 + 64;

        // A midpoint is 2^e × (1 + (sub + 0.5)/64): exactly one bit set below the sub-bucket bits.
        if ((uint)octave >= Octaves || (bits & BelowSubBucket) != 1L << MidpointBit)
        {
            return 0;
        }

        var sub = (int)((bits >> (52 - LogLinearHistogram.SubBucketBits)) & (LogLinearHistogram.SubBuckets - 1));
        var slot = (bits < 0 ? Octaves : 0) + octave;
        var texts = Volatile.Read(ref Cache[slot]) ?? Allocate(slot);
        ref var text = ref texts[sub];
        if (text.Length == 0)
        {
            Fill(ref text, value);
        }

        if (text.Length > 16)
        {
            return 0;
        }

        System.Runtime.CompilerServices.Unsafe.WriteUnaligned(into, text.Low);
        System.Runtime.CompilerServices.Unsafe.WriteUnaligned(into + 8, text.High);
        return text.Length;
    }

    /// <summary>The shortest decimal (fixed or exponent form) within the tolerance of <paramref name="midpoint"/>.</summary>
    internal static string Shortest(double midpoint)
    {
        for (var digits = 1; digits <= 17; digits++)
        {
            var text = midpoint.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var parsed = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (Math.Abs(parsed - midpoint) <= RelativeTolerance * Math.Abs(midpoint))
            {
                return text;
            }
        }

        return midpoint.ToString("R", CultureInfo.InvariantCulture);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Fill(ref Text text, double midpoint) => text = Text.Of(Shortest(midpoint));

    private static Text[] Allocate(int slot)
    {
        var fresh = new Text[LogLinearHistogram.SubBuckets];
        return Interlocked.CompareExchange(ref Cache[slot], fresh, null) ?? fresh;
    }

    /// <summary>Up to 16 ASCII bytes in two words, so writing one is two stores. Racing writers store the same value.</summary>
    private struct Text
    {
        public ulong Low;
        public ulong High;
        public int Length;

        public static Text Of(string s)
        {
            Span<byte> bytes = stackalloc byte[16];
            bytes.Clear();
            var length = Encoding.ASCII.GetBytes(s.AsSpan(0, Math.Min(16, s.Length)), bytes);
            return new Text
            {
                Low = System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(bytes),
                High = System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(bytes[8..]),
                Length = s.Length > 16 ? s.Length : length,
            };
        }
    }
}
