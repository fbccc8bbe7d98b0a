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
    private static readonly byte[]?[] Cache = new byte[]?[2 * Octaves * LogLinearHistogram.SubBuckets];

    /// <summary>The cached text of <paramref name="value"/> when it is exactly a bucket midpoint; otherwise false.</summary>
    public static bool TryGet(double value, out ReadOnlySpan<byte> text)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var octave = (int)((bits >> 52) & 0x7FF) - 1023 + 64;
        var sub = (int)((bits >> (52 - LogLinearHistogram.SubBucketBits)) & (LogLinearHistogram.SubBuckets - 1));

        // A midpoint has exactly one more mantissa bit set below the sub-bucket bits (1 + (sub + 0.5)/64) and nothing after it.
        const long belowSub = (1L << (52 - LogLinearHistogram.SubBucketBits)) - 1;
        if ((uint)octave >= Octaves || (bits & belowSub) != 1L << (52 - LogLinearHistogram.SubBucketBits - 1))
        {
            text = default;
            return false;
        }

        var index = (((bits < 0 ? 1 : 0) * Octaves) + octave) * LogLinearHistogram.SubBuckets + sub;
        var cached = Volatile.Read(ref Cache[index]) ?? Create(index, value);
        text = cached;
        return true;
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

    private static byte[] Create(int index, double value)
    {
        // Racing writers compute the same bytes; whichever lands is kept.
        var bytes = Encoding.ASCII.GetBytes(Shortest(value));
        return Interlocked.CompareExchange(ref Cache[index], bytes, null) ?? bytes;
    }
}
