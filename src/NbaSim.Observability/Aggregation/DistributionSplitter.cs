namespace NbaSim.Observability.Aggregation;

/// <summary>
/// Turns drained buckets plus the exact statistics into datums of at most 150 values each.
/// Chunks partition the value range, so each chunk's statistic set is its own; the totals over all chunks
/// equal the exact SampleCount and Sum, and the first and last chunk carry the exact Minimum and Maximum.
/// </summary>
internal static class DistributionSplitter
{
    public static void Split(
        List<(double Value, long Count)> buckets,
        StatisticSet exact,
        Action<StatisticSet, double[], double[]> emit,
        int maxValues = MetricLimits.MaxValuesPerDatum)
    {
        var chunks = (buckets.Count + maxValues - 1) / maxValues;
        var sumSoFar = 0d;
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var start = chunk * maxValues;
            var length = Math.Min(maxValues, buckets.Count - start);
            var values = new double[length];
            var counts = new double[length];
            double count = 0, estimatedSum = 0;
            for (var i = 0; i < length; i++)
            {
                // Clamp representatives to the exact range: the extreme buckets then report true values.
                var value = Math.Clamp(buckets[start + i].Value, exact.Minimum, exact.Maximum);
                values[i] = value;
                counts[i] = buckets[start + i].Count;
                count += counts[i];
                estimatedSum += value * counts[i];
            }

            var min = chunk == 0 ? exact.Minimum : values[0];
            var max = chunk == chunks - 1 ? exact.Maximum : values[^1];
            double sum;
            if (chunks == 1)
            {
                sum = exact.Sum;
            }
            else if (chunk == chunks - 1)
            {
                // The last chunk absorbs the rounding of the others so the sums add up to the exact total.
                sum = Math.Clamp(exact.Sum - sumSoFar, min * count, max * count);
            }
            else
            {
                sum = estimatedSum;
            }

            sumSoFar += sum;
            emit(new StatisticSet(count, sum, min, max), values, counts);
        }
    }
}
