using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Pipeline;

namespace NbaSim.Observability.Tests.Pipeline;

/// <summary>PeriodCollector on its own, on a fake clock: when a period is handed over, rollup merging, and a loop that survives a failed period.</summary>
public class PeriodCollectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public void A_period_is_handed_over_once_it_has_closed_and_the_drain_is_woken_only_then()
    {
        var (registry, time) = Registry();
        var added = new List<MetricDatum>();
        var wakes = 0;
        var collector = new PeriodCollector(registry, added.Add, () => wakes++, new FakeLogger());
        registry.Counter("NBA-Simulator/Collector", "Ticks", MetricUnit.Count).Add(3);

        collector.CollectNow(includeOpenPeriods: false).Should().Be(0, "the minute is still open");
        wakes.Should().Be(0);

        time.Advance(TimeSpan.FromMinutes(1));
        collector.CollectNow(includeOpenPeriods: false).Should().Be(1);
        added.Should().ContainSingle().Which.StatisticValues!.Value.Sum.Should().Be(3);
        added[0].Timestamp.Should().Be(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), "stamped with the period's start");
        wakes.Should().Be(1);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Rollups_are_merged_into_datums_of_their_own_only_when_asked(bool mergeRollups)
    {
        var (registry, time) = Registry();
        var added = new List<MetricDatum>();
        var collector = new PeriodCollector(registry, added.Add, () => { }, new FakeLogger(), mergeRollups);
        var options = new SeriesOptions { RollupWithout = ["Status"] };
        registry.Distribution("NBA-Simulator/Collector", "CallDuration", MetricUnit.Seconds, options, new MetricDimension("Status", "success")).Record(1);
        registry.Distribution("NBA-Simulator/Collector", "CallDuration", MetricUnit.Seconds, options, new MetricDimension("Status", "failure")).Record(3);
        time.Advance(TimeSpan.FromMinutes(1));

        collector.CollectNow(includeOpenPeriods: false);

        var merged = added.Where(d => d.Dimensions.Count == 0).ToList();
        if (mergeRollups)
        {
            merged.Should().ContainSingle().Which.StatisticValues!.Value.Should().Be(new StatisticSet(2, 4, 1, 3));
        }
        else
        {
            merged.Should().BeEmpty("the exporter publishes the rollup as a dimension set of each datum");
        }
    }

    [Fact]
    public async Task The_loop_logs_a_failed_period_and_hands_over_the_next_one()
    {
        var (registry, time) = Registry();
        var logger = new FakeLogger();
        var attempts = 0;
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = new PeriodCollector(
            registry,
            _ =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    throw new InvalidOperationException("queue refused");
                }

                second.TrySetResult();
            },
            () => { },
            logger);
        var counter = registry.Counter("NBA-Simulator/Collector", "Ticks", MetricUnit.Count);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var loop = collector.RunAsync(stop.Token);

        counter.Add(1);
        await AdvanceUntil(time, () => Volatile.Read(ref attempts) >= 1);
        counter.Add(1);
        await AdvanceUntil(time, () => second.Task.IsCompleted);

        await stop.CancelAsync();
        await loop;
        logger.Collector.GetSnapshot().Should().Contain(r => r.Message.Contains("queue refused", StringComparison.Ordinal) || (r.Exception != null && r.Exception.Message == "queue refused"));
    }

    /// <summary>Moves the fake clock a minute at a time until <paramref name="done"/>, yielding so the loop can run.</summary>
    private static async Task AdvanceUntil(FakeTimeProvider time, Func<bool> done)
    {
        for (var i = 0; i < 1000 && !done(); i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        done().Should().BeTrue("the collector's loop runs on the fake clock");
    }

    private static (MetricRegistry Registry, FakeTimeProvider Time) Registry()
    {
        var time = new FakeTimeProvider(Start);
        return (new MetricRegistry(new NbaObservabilityOptions(), time), time);
    }
}
