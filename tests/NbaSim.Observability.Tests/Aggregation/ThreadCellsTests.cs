using NbaSim.Observability.Aggregation;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Aggregation;

/// <summary>
/// Tests that hold many recording threads alive at once (slots beyond <see cref="ThreadCells{TCell}.MaxSlots"/> record
/// through the stripes), or hold a thread inside a recording, run one at a time and apart from every other test: a
/// stalled thread that takes over the slot of another test's ended thread would otherwise delay that thread's samples
/// (its cells pass with the slot) past the other test's harvest.
/// </summary>
[CollectionDefinition(nameof(RecordingThreadsSerial), DisableParallelization = true)]
public sealed class RecordingThreadsSerial;

/// <summary>
/// Per-thread cells written without atomic instructions (issue 25): the harvest takes each cell over from its thread
/// (a process-wide barrier, then waiting out a recording in progress), so totals stay exact while threads record and the
/// harvest runs; a thread stalled inside a recording delays its samples, never loses or doubles them.
/// </summary>
[Collection(nameof(RecordingThreadsSerial))]
public sealed class ThreadCellsTests
{
    [Fact]
    public void Recording_threads_racing_a_harvest_loop_lose_and_double_nothing()
    {
        var registry = new MetricRegistry();
        var counter = registry.Counter("NBA-Simulator/ThreadCells", "Bytes", MetricUnit.Bytes, default);
        var distribution = registry.Distribution("NBA-Simulator/ThreadCells", "Duration", MetricUnit.Milliseconds, default);
        const int Threads = 3, PerThread = 1_000_000;
        var recording = Threads;
        var harvested = new List<MetricDatum>();
        var harvester = new Thread(() =>
        {
            var output = new List<MetricDatum>();
            while (Volatile.Read(ref recording) > 0)
            {
                counter.Harvest(DateTimeOffset.UnixEpoch, output, []);
                distribution.Harvest(DateTimeOffset.UnixEpoch, output, []);
            }

            harvested.AddRange(output);
        });
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                counter.Add(t + 1);
                distribution.Record((i % 100) + 1);
            }

            Interlocked.Decrement(ref recording);
        })).ToList();

        harvester.Start();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        harvester.Join();
        counter.Harvest(DateTimeOffset.UnixEpoch, harvested, []);
        distribution.Harvest(DateTimeOffset.UnixEpoch, harvested, []);

        var counts = harvested.Where(d => d.MetricName == "Bytes").ToList();
        var durations = harvested.Where(d => d.MetricName == "Duration").ToList();
        counts.Should().HaveCountGreaterThan(1, "the harvest ran while the threads recorded");
        counts.Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(Threads * PerThread);
        counts.Sum(d => d.StatisticValues!.Value.Sum).Should().Be(PerThread * (1 + 2 + 3), "integers add exactly in a double");
        counts.Min(d => d.StatisticValues!.Value.Minimum).Should().Be(1);
        counts.Max(d => d.StatisticValues!.Value.Maximum).Should().Be(Threads);
        durations.Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(Threads * PerThread);
        durations.Sum(d => d.Counts!.Sum()).Should().Be(Threads * PerThread, "every sample is in one bucket once");
        durations.Sum(d => d.StatisticValues!.Value.Sum).Should().Be(Threads * (PerThread / 100) * 5050d);
    }

    [Fact]
    public void A_thread_stalled_inside_a_recording_keeps_its_samples_for_the_harvest_after_it_leaves()
    {
        var registry = new MetricRegistry();
        var counter = registry.Counter("NBA-Simulator/ThreadCells", "Stalled", MetricUnit.Count, default);
        using var recorder = StalledRecorder.Start(
            () =>
            {
                counter.Add(5);
                counter.Add(7);
            },
            TestContext.Current.CancellationToken);

        var output = new List<MetricDatum>();
        var started = Environment.TickCount64;
        counter.Harvest(DateTimeOffset.UnixEpoch, output, []);
        var waited = Environment.TickCount64 - started;
        counter.Harvest(DateTimeOffset.UnixEpoch, output, []);
        var waitedAgain = Environment.TickCount64 - started - waited;

        waited.Should().BeLessThan(10 * (long)RecordingThread.StallTimeout.TotalMilliseconds, "the harvest gives up after the stall timeout");
        output.Should().BeEmpty("the cell may still be written: it is not read while its thread is inside");
        waitedAgain.Should().BeLessThan(waited + 50, "a later harvest does not wait again on the same recording");

        recorder.Release();
        counter.Harvest(DateTimeOffset.UnixEpoch, output, []);
        output.Should().ContainSingle().Which.StatisticValues.Should().Be(new StatisticSet(2, 12, 5, 7));
    }

    [Fact]
    public void Threads_beyond_the_cap_record_through_the_shared_cells_and_every_sample_counts()
    {
        var registry = new MetricRegistry();
        var distribution = registry.Distribution("NBA-Simulator/ThreadCells", "Many", MetricUnit.Milliseconds, default);
        var threads = ThreadCells<DistributionThreadCell>.MaxCells + 3;
        using var together = new Barrier(threads);
        var all = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            together.SignalAndWait(TestContext.Current.CancellationToken); // all alive at once: each holds its own slot
            for (var i = 0; i < 1000; i++)
            {
                distribution.Record(t + 1);
            }

            together.SignalAndWait(TestContext.Current.CancellationToken);
        })).ToList();
        all.ForEach(t => t.Start());
        all.ForEach(t => t.Join());

        var output = new List<MetricDatum>();
        distribution.Harvest(DateTimeOffset.UnixEpoch, output, []);

        var stats = output.Single().StatisticValues!.Value;
        stats.SampleCount.Should().Be(threads * 1000);
        stats.Sum.Should().Be(1000d * threads * (threads + 1) / 2);
        (stats.Minimum, stats.Maximum).Should().Be((1d, (double)threads));
    }

    [Fact]
    public void Recording_allocates_nothing_across_harvests_once_both_cells_of_the_thread_are_warm()
    {
        var registry = new MetricRegistry();
        var distribution = registry.Distribution("NBA-Simulator/ThreadCells", "Warm", MetricUnit.Seconds, default);
        var counter = registry.Counter("NBA-Simulator/ThreadCells", "WarmCount", MetricUnit.Count, default);
        var output = new List<MetricDatum>();
        void RecordRound()
        {
            for (var i = 0; i < 10_000; i++)
            {
                distribution.Record((i % 1000) * 0.37);
                counter.Increment();
            }
        }

        // Each harvest hands the thread its other cell: two rounds allocate both cells and their octaves.
        for (var round = 0; round < 2; round++)
        {
            RecordRound();
            distribution.Harvest(DateTimeOffset.UnixEpoch, output, []);
            counter.Harvest(DateTimeOffset.UnixEpoch, output, []);
        }

        long allocated = 0;
        for (var round = 0; round < 4; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            RecordRound();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            distribution.Harvest(DateTimeOffset.UnixEpoch, output, []);
            counter.Harvest(DateTimeOffset.UnixEpoch, output, []);
        }

        allocated.Should().Be(0);
        output.Where(d => d.MetricName == "WarmCount").Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(60_000);
    }

    [Fact]
    public void The_slot_of_an_ended_thread_is_freed_and_its_unharvested_samples_stay()
    {
        var registry = new MetricRegistry();
        var counter = registry.Counter("NBA-Simulator/ThreadCells", "Reused", MetricUnit.Count, default);
        RecordingThread? ended = null;
        ThreadWithCells.Start(
            () =>
            {
                counter.Add(3);
                ended = RecordingThread.Current;
            },
            TestContext.Current.CancellationToken).Join();

        for (var i = 0; i < 3 && RecordingThread.OccupantOf(ended!.Slot) == ended; i++)
        {
            // The ended thread's lease is only reachable from its thread statics: collected, its finalizer frees the slot.
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        RecordingThread.OccupantOf(ended!.Slot).Should().NotBeSameAs(ended, "the slot is free (or already another thread's)");
        var others = Enumerable.Range(0, 4).Select(_ => new Thread(() => counter.Add(4))).ToList();
        others.ForEach(t => t.Start());
        others.ForEach(t => t.Join());
        var output = new List<MetricDatum>();
        counter.Harvest(DateTimeOffset.UnixEpoch, output, []);
        output.Single().StatisticValues.Should().Be(new StatisticSet(5, 19, 3, 4));
    }
}
