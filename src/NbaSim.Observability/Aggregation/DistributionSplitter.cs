namespace NbaSim.Observability.Aggregation;

/// <summary>
/// Turns drained buckets plus the exact statistics into datums of at most 150 values each.
/// Chunks partition the value range, so each chunk gets its own statistic set: counts are exact, the first and last
/// chunk carry the exact Minimum and Maximum, inner bounds are bucket edges, and the chunk sums add up to the exact Sum.
/// </summary>
internal static class DistributionSplitter
{
    public static void Split(
        List<HistogramBucket> buckets,
        StatisticSet exact,
        Action<StatisticSet, double[], double[]> emit,
        int maxValues = MetricLimits.MaxValuesPerDatum)
    {
        var chunks = (buckets.Count + maxValues - 1) / maxValues;
        var values = new double[chunks][];
        var counts = new double[chunks][];
        var stats = new StatisticSet[chunks];
        var estimated = 0d;
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var start = chunk * maxValues;
            var length = Math.Min(maxValues, buckets.Count - start);
            values[chunk] = new double[length];
            counts[chunk] = new double[length];
            double count = 0, sum = 0;
            for (var i = 0; i < length; i++)
            {
                // Clamp representatives to the exact range: the extreme buckets then report true values.
                var value = Math.Clamp(buckets[start + i].Value, exact.Minimum, exact.Maximum);
                values[chunk][i] = value;
                counts[chunk][i] = buckets[start + i].Count;
                count += counts[chunk][i];
                sum += value * counts[chunk][i];
            }

            var min = chunk == 0 ? exact.Minimum : Math.Max(exact.Minimum, buckets[start].Lower);
            var max = chunk == chunks - 1 ? exact.Maximum : Math.Min(exact.Maximum, buckets[start + length - 1].Upper);
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
}
