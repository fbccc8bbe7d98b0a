namespace NbaSim.Observability.Tests.Recording;

/// <summary>Totals stay exact while threads record through every harvest, right up to the last one (issue 20, item 8).</summary>
public sealed class HarvestRaceTests
{
    [Fact]
    public void Count_and_sum_never_part_across_harvests_under_concurrent_recording()
    {
        // Repeated many times with few samples each: a tear needs a harvest to fall between a sample's count and its sum
        // (a few nanoseconds), and is lost only when no later sample of the run carries the sum along.
        const int Runs = 20_000;
        const int Threads = 2;
        const int PerThread = 4;
        const int Expected = Threads * PerThread;
        var wrong = new List<string>();
        var output = new List<MetricDatum>();
        var scratch = new List<NbaSim.Observability.Aggregation.HistogramBucket>();
        var stamp = DateTimeOffset.UnixEpoch;
        CounterSeries? counter = null;
        DistributionSeries? distribution = null;
        var recording = 0;
        using var start = new Barrier(Threads + 1);
        var recorders = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            for (var run = 0; run < Runs; run++)
            {
                start.SignalAndWait();
                for (var i = 0; i < PerThread; i++)
                {
                    counter!.Add(3);
                    distribution!.Record(5);
                }

                Interlocked.Decrement(ref recording);
            }
        })).ToList();
        recorders.ForEach(t => t.Start());
        for (var run = 0; run < Runs; run++)
        {
            var registry = new MetricRegistry();
            counter = registry.Counter("NBA-Simulator/Race", "Bytes", MetricUnit.Bytes, default);
            distribution = registry.Distribution("NBA-Simulator/Race", "Duration", MetricUnit.Milliseconds, default);
            output.Clear();
            Volatile.Write(ref recording, Threads);
            start.SignalAndWait(TestContext.Current.CancellationToken);

            // Harvests as fast as they go while the samples land, then the last one.
            while (Volatile.Read(ref recording) > 0)
            {
                counter.Harvest(stamp, output, scratch);
                distribution.Harvest(stamp, output, scratch);
            }

            counter.Harvest(stamp, output, scratch);
            distribution.Harvest(stamp, output, scratch);

            var bytes = output.Where(d => d.MetricName == "Bytes").Select(d => d.StatisticValues!.Value).ToList();
            var durations = output.Where(d => d.MetricName == "Duration").Select(d => d.StatisticValues!.Value).ToList();
            if (bytes.Sum(s => s.SampleCount) != Expected || bytes.Sum(s => s.Sum) != 3 * Expected
                || durations.Sum(s => s.SampleCount) != Expected || durations.Sum(s => s.Sum) != 5 * Expected)
            {
                wrong.Add($"run {run}: Bytes {bytes.Sum(s => s.SampleCount)}/{bytes.Sum(s => s.Sum)}, Duration {durations.Sum(s => s.SampleCount)}/{durations.Sum(s => s.Sum)}");
            }
        }

        recorders.ForEach(t => t.Join());
        wrong.Should().BeEmpty($"every run records {Expected} samples: Bytes sum {3 * Expected}, Duration sum {5 * Expected}");
    }
}
