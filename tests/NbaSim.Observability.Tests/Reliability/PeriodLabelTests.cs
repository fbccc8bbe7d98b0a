using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace NbaSim.Observability.Tests.Reliability;

/// <summary>Periods are labelled by when their samples were recorded, even when the collector is late or a callback hangs.</summary>
public sealed class PeriodLabelTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public void A_collector_that_wakes_five_periods_late_stamps_samples_with_the_period_they_were_recorded_in()
    {
        var time = new FakeTimeProvider(Noon);
        var registry = new MetricRegistry(new NbaObservabilityOptions(), time);
        var failures = registry.Counter("NBA-Simulator/DataCollection", "S3UploadFailures", MetricUnit.Count, new SeriesOptions(PublishZeroWhenIdle: true));
        var duration = registry.Distribution("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds);

        // Recorded at 12:00:05; then the process is suspended, and the collector next runs at 12:05:01.
        failures.Add(2);
        duration.Record(0.25);
        time.SetUtcNow(new DateTimeOffset(2026, 11, 28, 12, 5, 1, TimeSpan.Zero));
        var output = new List<MetricDatum>();
        registry.Collect(time.GetUtcNow(), includeOpenPeriods: false, output);

        var p1200 = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        output.Single(d => d.MetricName == "S3UploadDuration").Timestamp.Should().Be(p1200, "the period it was recorded in");
        output.Where(d => d.MetricName == "S3UploadFailures" && d.StatisticValues is not null).Should().ContainSingle().Which.Timestamp.Should().Be(p1200);
        output.Where(d => d.MetricName == "S3UploadFailures" && d.Value == 0).Select(d => d.Timestamp.Minute).Should().Equal([1, 2, 3, 4], "the skipped periods after it are zero-filled for PublishZeroWhenIdle");
        registry.GetDiagnostics().PeriodsSkipped.Should().Be(4);
    }

    [Fact]
    public async Task The_final_harvest_runs_before_a_slow_drain_so_nothing_is_stamped_late()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pipeline = new Infrastructure.Pipeline(new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromSeconds(10), MaxDatumsPerBatch = 1 });
        var failures = pipeline.Registry.Counter("NBA-Simulator/DataCollection", "S3UploadFailures", MetricUnit.Count, default);
        failures.Add(2);
        using var exporting = new ManualResetEventSlim();

        // The first export is slow, and ten minutes of the clock pass while it runs.
        var first = 0;
        pipeline.Exporter.Fail = _ =>
        {
            if (Interlocked.Exchange(ref first, 1) == 0)
            {
                exporting.Set();
                Thread.Sleep(500);
                pipeline.Time.Advance(TimeSpan.FromMinutes(10));
            }

            return null;
        };
        pipeline.Sink.Start();
        pipeline.Registry.Enqueue(new MetricDatum("NBA-Simulator/DataCollection", "Backlog", [], MetricUnit.Count, Infrastructure.Pipeline.Start, 60, 1, null, null, null));
        exporting.Wait(TimeSpan.FromSeconds(10), ct).Should().BeTrue("the publisher's loop is exporting when the stop begins");
        await pipeline.Sink.StopAsync(ct);

        pipeline.Exporter.Datums.Where(d => d.MetricName == "S3UploadFailures").Should().ContainSingle()
            .Which.Timestamp.Should().Be(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        pipeline.Registry.GetDiagnostics().PeriodsSkipped.Should().Be(0, "the final harvest ran before the drain");
    }

    [Fact]
    public void A_blocked_gauge_callback_costs_only_its_own_value()
    {
        var time = new FakeTimeProvider(Noon);
        var registry = new MetricRegistry(new NbaObservabilityOptions { ObservableGaugeTimeout = TimeSpan.FromMilliseconds(200) }, time);
        using var release = new ManualResetEventSlim();
        var calls = 0;
        using var gauge = registry.ObservableGauge("NBA-Simulator/ADCE", "ADCEQueueDepth", MetricUnit.Count, (Func<double>)(() =>
        {
            Interlocked.Increment(ref calls);
            release.Wait();
            return 42d;
        }), default);
        registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted").Increment();

        time.Advance(TimeSpan.FromMinutes(1));
        var output = new List<MetricDatum>();
        var watch = Stopwatch.StartNew();
        registry.Collect(time.GetUtcNow(), false, output);
        watch.Stop();

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "the collector waits for the callback only up to its time limit");
        output.Should().ContainSingle(d => d.MetricName == "ADCETasksCompleted");
        output.Should().NotContain(d => d.MetricName == "ADCEQueueDepth");

        // Still blocked: not called a second time, and the next period goes on. (On a busy machine the first call may
        // start late: wait for it, so that "once" is judged after it began.)
        SpinWait.SpinUntil(() => Volatile.Read(ref calls) >= 1, TimeSpan.FromSeconds(60)).Should().BeTrue();
        time.Advance(TimeSpan.FromMinutes(1));
        registry.Collect(time.GetUtcNow(), false, output);
        calls.Should().Be(1);

        // Once it returns, the next periods call it again and publish its value (the deadline only bounds a failure).
        release.Set();
        double? value = null;
        var deadline = Stopwatch.StartNew();
        while (value is null && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            Thread.Sleep(20);
            time.Advance(TimeSpan.FromMinutes(1));
            output.Clear();
            registry.Collect(time.GetUtcNow(), false, output);
            value = output.SingleOrDefault(d => d.MetricName == "ADCEQueueDepth")?.Value;
        }

        value.Should().Be(42);
    }
}
