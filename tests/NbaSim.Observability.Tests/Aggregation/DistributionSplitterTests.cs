using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability.Tests.Aggregation;

/// <summary>
/// DistributionSplitter on its own, against CloudWatch's merge rule as the oracle: parts added up (counts and sums),
/// minimum of minimums, maximum of maximums give back the exact statistics, and no part claims values outside its range.
/// </summary>
public class DistributionSplitterTests
{
    [Theory]
    [InlineData(1, 150)]
    [InlineData(5_000, 150)]
    [InlineData(5_000, 7)]
    [InlineData(100_000, 1)]
    public void Split_parts_merge_back_to_the_exact_statistics(int samples, int maxValues)
    {
        var random = new Random(samples + maxValues);
        var histogram = new LogLinearHistogram();
        var exact = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var v = Math.Exp((random.NextDouble() * 12) - 6); // 0.0025 .. 403
            histogram.Record(v);
            exact.Add(v);
        }

        var buckets = new List<HistogramBucket>();
        histogram.Drain(buckets);
        var statistics = new StatisticSet(exact.Count, exact.Sum(), exact.Min(), exact.Max());
        var parts = new List<(StatisticSet Stats, double[] Values, double[] Counts)>();

        DistributionSplitter.Split(buckets, statistics, (s, v, c) => parts.Add((s, v, c)), maxValues);

        AssertMergesBack(parts, statistics, maxValues);
    }

    [Fact]
    public void Resplit_of_a_published_datum_merges_back_to_its_statistics()
    {
        var values = Enumerable.Range(0, 140).Select(i => 0.001 * Math.Pow(1.1, i)).ToArray();
        var counts = values.Select((_, i) => (double)((i % 5) + 1)).ToArray();
        var sum = values.Zip(counts, (v, c) => v * c).Sum();
        var statistics = new StatisticSet(counts.Sum(), sum, values[0], values[^1]);
        var parts = new List<(StatisticSet Stats, double[] Values, double[] Counts)>();

        DistributionSplitter.Resplit(values, counts, statistics, (s, v, c) => parts.Add((s, v, c)), maxValues: 30);

        AssertMergesBack(parts, statistics, 30);
        parts.SelectMany(p => p.Values).Should().Equal(values, "resplitting keeps every value and its order");
    }

    private static void AssertMergesBack(List<(StatisticSet Stats, double[] Values, double[] Counts)> parts, StatisticSet exact, int maxValues)
    {
        parts.Should().NotBeEmpty().And.OnlyContain(p => p.Values.Length <= maxValues && p.Values.Length == p.Counts.Length);
        parts.Sum(p => p.Stats.SampleCount).Should().Be(exact.SampleCount);
        parts.Sum(p => p.Counts.Sum()).Should().Be(exact.SampleCount, "Values/Counts carry every sample too");
        parts.Sum(p => p.Stats.Sum).Should().BeApproximately(exact.Sum, Math.Abs(exact.Sum) * 1e-12);
        parts.Min(p => p.Stats.Minimum).Should().Be(exact.Minimum);
        parts.Max(p => p.Stats.Maximum).Should().Be(exact.Maximum);
        foreach (var (stats, values, _) in parts)
        {
            stats.Minimum.Should().BeLessThanOrEqualTo(stats.Maximum);
            values.Should().OnlyContain(v => v >= stats.Minimum && v <= stats.Maximum, "a part's values lie within its own range");
            stats.Sum.Should().BeInRange((stats.Minimum * stats.SampleCount) - 1e-9, (stats.Maximum * stats.SampleCount) + 1e-9, "a part's sum is possible for its count and range");
        }
    }
}
