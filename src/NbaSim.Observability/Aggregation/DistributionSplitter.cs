using System.Runtime.InteropServices;

namespace NbaSim.Observability.Aggregation;

/// <summary>
/// Turns buckets plus the exact statistics into parts of at most <c>maxValues</c> values each.
/// Parts partition the value range, so each part gets its own statistic set: counts are exact, the first and last
/// part carry the exact Minimum and Maximum, inner bounds are bucket edges, and the part sums add up to the exact Sum.
/// Whoever merges the parts the way CloudWatch does (add counts and sums, min of minimums, max of maximums) gets the
/// exact statistics back.
/// </summary>
internal static class DistributionSplitter
{
    /// <summary>
    /// Working lists of the harvesting thread, reused from harvest to harvest: only the parts' own Values/Counts arrays
    /// (which the datums keep) are allocated. Before, each split copied every bucket into four lists, four arrays and
    /// the parts: about 80 KB per busy series per period (docs/performance.md, "Where the memory goes").
    /// </summary>
    [ThreadStatic]
    private static Scratch? s_scratch;

    /// <summary>Splits drained histogram buckets (ascending).</summary>
    public static void Split(
        List<HistogramBucket> buckets,
        StatisticSet exact,
        Action<StatisticSet, double[], double[]> emit,
        int maxValues = MetricLimits.MaxValuesPerDatum)
    {
        // The exact extremes become values of their own (one sample each), so that whoever reads only Values/Counts
        // (percentiles, a server without statistic sets) sees the true minimum and maximum.
        var scratch = s_scratch ?? new Scratch();
        s_scratch = null; // a split that emits into code that splits again (never today) gets lists of its own
        scratch.Clear(buckets.Count + 2);
        var (values, counts, lowers, uppers) = (scratch.Values, scratch.Counts, scratch.Lowers, scratch.Uppers);
        for (var i = 0; i < buckets.Count; i++)
        {
            var b = buckets[i];
            var count = (double)b.Count;
            var representative = Math.Clamp(b.Value, exact.Minimum, exact.Maximum);
            if (i == 0 && representative != exact.Minimum)
            {
                Add(exact.Minimum, 1, b.Lower, b.Upper);
                count--;
            }

            var last = i == buckets.Count - 1 && representative != exact.Maximum && count > 0;
            if (last)
            {
                count--;
            }

            if (count > 0)
            {
                Add(representative, count, b.Lower, b.Upper);
            }

            if (last)
            {
                Add(exact.Maximum, 1, b.Lower, b.Upper);
            }
        }

        void Add(double value, double count, double lower, double upper)
        {
            values.Add(value);
            counts.Add(count);
            lowers.Add(lower);
            uppers.Add(upper);
        }

        try
        {
            Split(CollectionsMarshal.AsSpan(values), CollectionsMarshal.AsSpan(counts), CollectionsMarshal.AsSpan(lowers), CollectionsMarshal.AsSpan(uppers), exact, emit, maxValues);
        }
        finally
        {
            s_scratch = scratch;
        }
    }

    /// <summary>
    /// Splits an already aggregated distribution (ascending values, e.g. a datum's Values/Counts) into narrower parts.
    /// Bucket edges are recovered from the log-linear layout, so inner part bounds are as tight as at aggregation.
    /// </summary>
    public static void Resplit(
        IReadOnlyList<double> values,
        IReadOnlyList<double> counts,
        StatisticSet exact,
        Action<StatisticSet, double[], double[]> emit,
        int maxValues)
    {
        var n = values.Count;
        var v = new double[n];
        var c = new double[n];
        var lowers = new double[n];
        var uppers = new double[n];
        for (var i = 0; i < n; i++)
        {
            v[i] = values[i];
            c[i] = counts[i];
            (lowers[i], uppers[i]) = LogLinearHistogram.BoundsOf(values[i]);
        }

        Split(v, c, lowers, uppers, exact, emit, maxValues);
    }

    private static void Split(ReadOnlySpan<double> allValues, ReadOnlySpan<double> allCounts, ReadOnlySpan<double> lowers, ReadOnlySpan<double> uppers, StatisticSet exact, Action<StatisticSet, double[], double[]> emit, int maxValues)
    {
        var n = allValues.Length;
        var chunks = Math.Max(1, (n + maxValues - 1) / maxValues);
        var values = new double[chunks][];
        var counts = new double[chunks][];
        var stats = new StatisticSet[chunks];
        var estimated = 0d;
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var start = chunk * maxValues;
            var length = Math.Min(maxValues, n - start);
            values[chunk] = allValues.Slice(start, length).ToArray();
            counts[chunk] = allCounts.Slice(start, length).ToArray();
            double count = 0, sum = 0;
            for (var i = 0; i < length; i++)
            {
                count += counts[chunk][i];
                sum += values[chunk][i] * counts[chunk][i];
            }

            var min = chunk == 0 ? exact.Minimum : Math.Max(exact.Minimum, lowers[start]);
            var max = chunk == chunks - 1 ? exact.Maximum : Math.Min(exact.Maximum, uppers[start + length - 1]);
            stats[chunk] = new StatisticSet(count, sum, min, max);
            estimated += sum;
        }

        if (chunks == 1)
        {
            stats[0] = stats[0] with { Sum = exact.Sum };
        }
        else
        {
            // Every sample lies within its chunk's [min, max], so the exact sum fits the chunks' combined slack:
            // hand out the rounding left by the representatives until none is left.
            var residual = exact.Sum - estimated;
            for (var chunk = 0; chunk < chunks && residual != 0; chunk++)
            {
                var s = stats[chunk];
                var room = residual > 0 ? (s.Maximum * s.SampleCount) - s.Sum : (s.Minimum * s.SampleCount) - s.Sum;
                var take = residual > 0 ? Math.Min(residual, Math.Max(0, room)) : Math.Max(residual, Math.Min(0, room));
                stats[chunk] = s with { Sum = s.Sum + take };
                residual -= take;
            }

            stats[^1] = stats[^1] with { Sum = stats[^1].Sum + residual };
        }

        for (var chunk = 0; chunk < chunks; chunk++)
        {
            emit(stats[chunk], values[chunk], counts[chunk]);
        }
    }

    private sealed class Scratch
    {
        public List<double> Values { get; } = [];

        public List<double> Counts { get; } = [];

        public List<double> Lowers { get; } = [];

        public List<double> Uppers { get; } = [];

        public void Clear(int capacity)
        {
            foreach (var list in (ReadOnlySpan<List<double>>)[Values, Counts, Lowers, Uppers])
            {
                list.Clear();
                list.EnsureCapacity(capacity);
            }
        }
    }
}
