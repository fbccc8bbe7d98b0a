using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Publishers;

namespace NbaSim.Observability.Tests.Publishers;

public class SchedulerTests
{
    [Fact]
    public async Task Each_enabled_publisher_runs_on_its_interval_and_a_failure_does_not_stop_the_next_run()
    {
        var fake = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));
        var time = new TimerCountingTimeProvider(fake);
        var runs = new Dictionary<string, int> { ["s3"] = 0, ["dims"] = 0, ["cost"] = 0 };
        var logger = new FakeLogger();
        var schedule = new ScheduleOptions { Jitter = 0 };
        using var scheduler = new PublisherScheduler(
            new()
            {
                ["s3"] = (new PublisherSchedule { Enabled = true, Interval = TimeSpan.FromHours(1) }, _ => Count("s3")),
                ["dims"] = (new PublisherSchedule { Enabled = true, Interval = TimeSpan.FromHours(6) }, async _ =>
                {
                    await Count("dims");
                    throw new IOException("metrics.yaml is locked");
                }),
                ["cost"] = (new PublisherSchedule { Enabled = false, Interval = TimeSpan.FromHours(6) }, _ => Count("cost")),
            },
            schedule,
            time,
            logger);
        await scheduler.StartAsync(TestContext.Current.CancellationToken);

        // Each loop waits on one timer at a time: before moving the fake clock, wait (on a busy machine, as long as it takes)
        // until every loop has run what is due and armed its next timer, so no run is skipped or late.
        for (var minute = 5; minute <= 13 * 60; minute += 5)
        {
            await WaitUntil(() => time.TimersCreated >= 2 + Read("s3") + Read("dims"));
            fake.Advance(TimeSpan.FromMinutes(5));
            var (dueS3, dueDims) = (Due(minute, 6, 60), Due(minute, 36, 360));
            await WaitUntil(() => Read("s3") >= dueS3 && Read("dims") >= dueDims);
        }

        await WaitUntil(() => time.TimersCreated >= 2 + Read("s3") + Read("dims"));
        await scheduler.StopAsync(TestContext.Current.CancellationToken);

        // First run after a tenth of the interval, then one per interval.
        Read("s3").Should().BeInRange(12, 13);
        Read("dims").Should().Be(3, "runs at 0:36, 6:36 and 12:36; failures do not stop the schedule");
        Read("cost").Should().Be(0, "disabled");
        var dims = scheduler.State.Single(s => s.Name == "dims");
        dims.Failures.Should().Be(3);
        dims.LastError.Should().Contain("metrics.yaml is locked");
        logger.Collector.GetSnapshot().Count(r => r.Message.Contains("Publisher dims failed", StringComparison.Ordinal)).Should().Be(3);

        static int Due(int minute, int first, int interval) => minute < first ? 0 : 1 + ((minute - first) / interval);

        int Read(string name)
        {
            lock (runs)
            {
                return runs[name];
            }
        }

        Task Count(string name)
        {
            lock (runs)
            {
                runs[name]++;
            }

            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task PublishNow_never_overlaps_a_running_publish_and_reports_failure_without_throwing()
    {
        var time = new FakeTimeProvider();
        var running = 0;
        var maxConcurrent = 0;
        var release = new TaskCompletionSource();
        using var scheduler = new PublisherScheduler(
            new()
            {
                ["s3"] = (new PublisherSchedule(), async _ =>
                {
                    var now = Interlocked.Increment(ref running);
                    maxConcurrent = Math.Max(maxConcurrent, now);
                    await release.Task;
                    Interlocked.Decrement(ref running);
                }),
                ["cost"] = (new PublisherSchedule(), _ => throw new InvalidOperationException("no credentials")),
            },
            new ScheduleOptions(),
            time);

        var first = scheduler.PublishNowAsync("s3", TestContext.Current.CancellationToken);
        var second = scheduler.PublishNowAsync("S3", TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        second.IsCompleted.Should().BeFalse("the second run waits for the first");
        release.SetResult();
        (await first).Should().BeTrue();
        (await second).Should().BeTrue();
        maxConcurrent.Should().Be(1);

        (await scheduler.PublishNowAsync("cost", TestContext.Current.CancellationToken)).Should().BeFalse();
        await FluentActions.Invoking(() => scheduler.PublishNowAsync("nope", TestContext.Current.CancellationToken)).Should().ThrowAsync<ArgumentException>().WithMessage("Unknown publisher 'nope'*");
    }

    /// <summary>Polls <paramref name="condition"/>; the 60-s deadline only bounds a failure.</summary>
    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should hold within 60 s");
            await Task.Delay(5);
        }
    }

    /// <summary>A fake clock that counts the timers created on it (each publisher wait creates one).</summary>
    private sealed class TimerCountingTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        private int _created;

        public int TimersCreated => Volatile.Read(ref _created);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _created);
            return timer;
        }
    }
}
