using NbaSim.Observability.Aggregation;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Attacks;

// Red team, issue 25 (b): per-thread cells written with plain stores (e29ec16). Each test fails on e29ec16.
[Collection(nameof(NbaSim.Observability.Tests.Aggregation.RecordingThreadsSerial))]
public sealed class RedTeam25bAttackTests
{
    private const string Ns = "NBA-Simulator/RT25b";

    private static double Samples(CapturingExporter exporter, string name)
        => exporter.Datums.Where(d => d.MetricName == name).Sum(d => d.StatisticValues?.SampleCount ?? 0);

    // Finding 1: once a harvest gave up on a thread stalled inside a recording (its cell stays retired, "pending"),
    // the next Retire returns at once without retiring anything: the following harvest folds only the old cell. When that
    // harvest is the shutdown's final flush, every sample recorded since (in any thread's active cell) is never delivered,
    // and not counted as dropped either.
    [Fact]
    public async Task After_a_harvest_gave_up_on_a_stalled_thread_the_final_flush_leaves_later_samples_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new NbaObservabilityOptions();
        var registry = new MetricRegistry(options);
        var exporter = new CapturingExporter();
        var sink = new BufferedMetricSink(registry, exporter, options);
        sink.Start();
        var counter = registry.Counter(Ns, "AfterStall", MetricUnit.Count, default);
        using var stalled = StalledRecorder.Start(() => counter.Add(1), ct);

        (await sink.ForceFlushAsync(ct)).Should().BeTrue(); // gives up on the stalled thread after 100 ms
        stalled.Release();

        var later = new Thread(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                counter.Add(1);
            }
        });
        later.Start();
        later.Join();

        await sink.DisposeAsync(); // the final flush: everything recorded before it is delivered
        var d = registry.GetDiagnostics();
        (Samples(exporter, "AfterStall") + d.DatumsDropped).Should().Be(1001, "1 stalled sample + 1000 recorded after it, all before the stop");
    }

    // Finding 1 (variant): the same without a shutdown; a ForceFlush after the stalled thread left promises to export
    // everything recorded before it, and delivers only the stalled thread's sample.
    [Fact]
    public async Task A_force_flush_after_a_stall_does_not_deliver_what_other_threads_recorded_before_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new NbaObservabilityOptions();
        var registry = new MetricRegistry(options);
        var exporter = new CapturingExporter();
        await using var sink = new BufferedMetricSink(registry, exporter, options);
        var counter = registry.Counter(Ns, "FlushAfterStall", MetricUnit.Count, default);
        using var stalled = StalledRecorder.Start(() => counter.Add(1), ct);
        await sink.ForceFlushAsync(ct);
        stalled.Release();

        var other = new Thread(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                counter.Add(2);
            }
        });
        other.Start();
        other.Join();

        (await sink.ForceFlushAsync(ct)).Should().BeTrue();
        Samples(exporter, "FlushAfterStall").Should().Be(501, "the flush ran after every recording had finished");
    }

    // Finding 3: "the other series of this collection do not wait again" on a stalled thread holds only while no other
    // harvest runs a barrier meanwhile. A second registry (another sink, a second host in the process) harvesting at the
    // same time bumps the process-wide barrier number, so this harvest waits the full 100 ms again for every series the
    // stalled thread has a cell in: the harvest (and a shutdown's final flush) takes series x 100 ms.
    [Fact]
    public async Task A_stalled_thread_costs_one_stall_timeout_per_collection_even_while_another_registry_harvests()
    {
        var ct = TestContext.Current.CancellationToken;
        const int Series = 40;
        var options = new NbaObservabilityOptions();
        var registry = new MetricRegistry(options);
        var exporter = new CapturingExporter();
        await using var sink = new BufferedMetricSink(registry, exporter, options);
        var counters = Enumerable.Range(0, Series).Select(i => registry.Counter(Ns, "Stalled" + i, MetricUnit.Count, default)).ToArray();
        using var stalled = StalledRecorder.Start(
            () =>
            {
                foreach (var c in counters)
                {
                    c.Increment();
                }
            },
            ct);

        // Another registry in the same process, recorded into and harvested continuously.
        var otherOptions = new NbaObservabilityOptions();
        var other = new MetricRegistry(otherOptions);
        await using var otherSink = new BufferedMetricSink(other, new CapturingExporter(), otherOptions);
        var busy = other.Counter(Ns, "Busy", MetricUnit.Count, default);
        var stop = false;
        var recorder = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                busy.Increment();
            }
        });
        recorder.Start();
        var harvesting = Task.Run(
            async () =>
            {
                while (!Volatile.Read(ref stop))
                {
                    await otherSink.ForceFlushAsync(ct);
                }
            },
            ct);

        try
        {
            var started = Environment.TickCount64;
            await sink.ForceFlushAsync(ct);
            var took = Environment.TickCount64 - started;
            took.Should().BeLessThan(1500, "one collection gives up on a stalled thread once (100 ms), not once per series ({0} series)", Series);
        }
        finally
        {
            Volatile.Write(ref stop, true);
            stalled.Release();
            recorder.Join();
            await harvesting;
        }
    }

    // Finding 2: every series a thread claims a cell in grows three slot-indexed arrays to that thread's slot + 1, and
    // slots number the process's live recording threads. A process with many threads (a thread pool grown under blocking
    // calls) pays tens of KB per series, though "a process with many threads costs bounded memory per series".
    [Fact]
    public void A_thread_with_a_high_slot_costs_each_series_it_records_memory_proportional_to_its_slot()
    {
        const int Alive = 1500, Series = 200;
        var registry = new MetricRegistry();
        var warm = registry.Counter(Ns, "Warm", MetricUnit.Count, default);
        var highSeries = Enumerable.Range(0, Series).Select(i => registry.Counter(Ns, "High" + i, MetricUnit.Count, default)).ToArray();
        var lowSeries = Enumerable.Range(0, Series).Select(i => registry.Counter(Ns, "Low" + i, MetricUnit.Count, default)).ToArray();
        var slots = new int[Alive];
        var bytes = new long[Alive];
        int high = -1, low = -1;
        using var registered = new CountdownEvent(Alive);
        using var go = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, Alive).Select(i => new Thread(
            () =>
            {
                warm.Increment();
                slots[i] = RecordingThread.Current!.Slot;
                registered.Signal();
                go.Wait();
                var targets = i == Volatile.Read(ref high) ? highSeries : i == Volatile.Read(ref low) ? lowSeries : null;
                if (targets is not null)
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    foreach (var s in targets)
                    {
                        s.Increment(); // the thread's first sample into each series: its cell, and the series' slot arrays
                    }

                    bytes[i] = GC.GetAllocatedBytesForCurrentThread() - before;
                }
            },
            256 * 1024)).ToList();
        threads.ForEach(t => t.Start());
        registered.Wait(TestContext.Current.CancellationToken);
        Volatile.Write(ref high, Array.IndexOf(slots, slots.Max()));
        Volatile.Write(ref low, Array.IndexOf(slots, slots.Min()));
        go.Set();
        threads.ForEach(t => t.Join());

        var perSeriesHigh = bytes[high] / Series;
        var perSeriesLow = bytes[low] / Series;
        slots.Max().Should().BeGreaterThanOrEqualTo(Alive - 1, "{0} live threads hold distinct slots", Alive);
        perSeriesHigh.Should().BeLessThan(
            (2 * perSeriesLow) + 1024,
            "a series' memory should not depend on which slot first recorded into it (slot {0}: {1} B per series, slot {2}: {3} B)",
            slots.Max(), perSeriesHigh, slots.Min(), perSeriesLow);
    }
}
