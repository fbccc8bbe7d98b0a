using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Internal;

namespace NbaSim.Observability.Tests.Internal;

public class LogRateLimitTests
{
    [Fact]
    public void Lets_the_first_call_through_then_none_until_the_interval_has_passed()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero));
        var limit = new LogRateLimit(TimeSpan.FromMinutes(1), time);

        limit.TryEnter().Should().BeTrue("the first failure is logged");
        limit.TryEnter().Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(59));
        limit.TryEnter().Should().BeFalse("59 s is inside the minute");
        time.Advance(TimeSpan.FromSeconds(1));
        limit.TryEnter().Should().BeTrue("a minute after the last line");
        limit.TryEnter().Should().BeFalse("the interval counts from the line just let through");
    }

    [Fact]
    public void One_of_many_racing_callers_gets_through()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero));
        var limit = new LogRateLimit(TimeSpan.FromMinutes(1), time);
        var through = 0;

        Parallel.For(0, 10_000, _ =>
        {
            if (limit.TryEnter())
            {
                Interlocked.Increment(ref through);
            }
        });

        through.Should().Be(1);
    }
}
