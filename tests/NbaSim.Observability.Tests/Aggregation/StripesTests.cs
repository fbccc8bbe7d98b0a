using System.Runtime.CompilerServices;
using NbaSim.Observability.Aggregation;

namespace NbaSim.Observability.Tests.Aggregation;

/// <summary>Striped recording (issue 25): stripes add up exactly, and no two stripes' hot fields share a cache line.</summary>
public sealed class StripesTests
{
    [Fact]
    public void There_is_one_stripe_per_processor_up_to_the_cap_and_a_power_of_two()
    {
        Stripes.Count.Should().BeInRange(1, Stripes.MaxCount);
        (Stripes.Count & (Stripes.Count - 1)).Should().Be(0, "the stripe is picked with a mask");
        Stripes.Count.Should().Be(Math.Min(Stripes.MaxCount, Environment.ProcessorCount <= 2 ? Environment.ProcessorCount : Stripes.MaxCount));
        Stripes.Current().Should().BeInRange(0, Stripes.Count - 1);
    }

    [Fact]
    public void Counts_in_every_stripe_drain_as_one_bucket_each_in_ascending_order()
    {
        var histogram = new LogLinearHistogram();
        double[] values = [-3.5, -0.002, 0.0125, 0.0125, 7.25];
        for (var stripe = 0; stripe < Stripes.Count; stripe++)
        {
            foreach (var value in values)
            {
                histogram.Record(value, stripe);
            }
        }

        var drained = new List<HistogramBucket>();
        histogram.Drain(drained);

        drained.Select(b => b.Count).Should().Equal(Stripes.Count, Stripes.Count, 2 * Stripes.Count, Stripes.Count);
        drained.Select(b => b.Value).Should().BeInAscendingOrder();
        drained.Zip(new[] { -3.5, -0.002, 0.0125, 7.25 }).Should().AllSatisfy(p => p.First.Lower.Should().BeLessThanOrEqualTo(p.Second));

        var again = new List<HistogramBucket>();
        histogram.Drain(again);
        again.Should().BeEmpty("a drain resets every stripe");
    }

    [Fact]
    public void The_hot_fields_of_neighbouring_stripes_are_at_least_a_cache_line_apart()
    {
        var cells = StatisticCell.NewStripes();
        if (cells.Length < 2)
        {
            cells = new StatisticCell[2];
        }

        var lastOfFirst = Unsafe.ByteOffset(ref Unsafe.As<double, byte>(ref cells[0].Max), ref Unsafe.As<long, byte>(ref cells[1].Count));
        lastOfFirst.Should().BeGreaterThanOrEqualTo(64);
        Unsafe.SizeOf<StatisticCell>().Should().Be(Stripes.Spacing);
    }

    [Fact]
    public void Totals_recorded_from_every_stripe_are_exact()
    {
        // Eight threads (more than stripes on any machine the cap allows) add integers into one counter and one
        // distribution: the harvest's totals are exact, whatever stripes the threads landed on.
        var registry = new MetricRegistry();
        var counter = registry.Counter("NBA-Simulator/Stripes", "Bytes", MetricUnit.Bytes, default);
        var distribution = registry.Distribution("NBA-Simulator/Stripes", "Duration", MetricUnit.Milliseconds, default);
        const int Threads = 8, PerThread = 100_000;
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                counter.Add(t + 1);
                distribution.Record((i % 100) + 1);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var output = new List<MetricDatum>();
        counter.Harvest(DateTimeOffset.UnixEpoch, output, []);
        distribution.Harvest(DateTimeOffset.UnixEpoch, output, []);

        var bytes = output.Single(d => d.MetricName == "Bytes").StatisticValues!.Value;
        bytes.SampleCount.Should().Be(Threads * PerThread);
        bytes.Sum.Should().Be(Enumerable.Range(1, Threads).Sum() * (double)PerThread);
        (bytes.Minimum, bytes.Maximum).Should().Be((1d, Threads));
        var durations = output.Where(d => d.MetricName == "Duration").Select(d => d.StatisticValues!.Value).ToList();
        durations.Sum(s => s.SampleCount).Should().Be(Threads * PerThread);
        durations.Sum(s => s.Sum).Should().Be(Threads * (PerThread / 100) * 5050d);
        durations.Min(s => s.Minimum).Should().Be(1);
        durations.Max(s => s.Maximum).Should().Be(100);
    }
}
