using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace NbaSim.Observability.Tests.Reliability;

/// <summary>Periods are labelled by when their samples were recorded, even when the collector is late or a callback hangs.</summary>
public sealed class PeriodLabelTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public void A_collector_that_wakes_five_periods_late_stamps_the_last_closed_period_and_zero_fills_the_skipped_ones()
    {
        var time = new FakeTimeProvider(Noon);
        var registry = new MetricRegistry(new NbaObservabilityOptions(), time);
        var failures = registry.Counter("NBA-Simulator/DataCollection", "S3UploadFailures", MetricUnit.Count, new SeriesOptions(PublishZeroWhenIdle: true));
        var duration = registry.Distribution("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds);

        // Recorded during the 12:04 period; the process was suspended from 12:00:05 until then.
        time.SetUtcNow(new DateTimeOffset(2026, 11, 28, 12, 4, 30, TimeSpan.Zero));
        failures.Add(2);
        duration.Record(0.25);
        time.SetUtcNow(new DateTimeOffset(2026, 11, 28, 12, 5, 1, TimeSpan.Zero));
        var output = new List<MetricDatum>();
        registry.Collect(time.GetUtcNow(), includeOpenPeriods: false, output);

        var p1204 = new DateTimeOffset(2026, 11, 28, 12, 4, 0, TimeSpan.Zero);
        output.Single(d => d.MetricName == "S3UploadDuration").Timestamp.Should().Be(p1204, "never more than one period before the one it was recorded in");
        output.Where(d => d.MetricName == "S3UploadFailures" && d.StatisticValues is not null).Should().ContainSingle().Which.Timestamp.Should().Be(p1204);
        output.Where(d => d.MetricName == "S3UploadFailures" && d.Value == 0).Select(d => d.Timestamp.Minute).Should().Equal([0, 1, 2, 3], "skipped periods are zero-filled for PublishZeroWhenIdle");
        registry.GetDiagnostics().PeriodsSkipped.Should().Be(4);
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
