using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Profiling;

namespace NbaSim.Observability.Tests.Profiling;

public class NoHostNoticeTests
{
    [Fact]
    public void Without_a_host_after_the_grace_period_the_notice_is_written_once_and_says_what_to_add()
    {
        var time = new FakeTimeProvider();
        using var output = new StringWriter();
        var notice = new NoHostNotice(() => true, output, time);

        time.Advance(NoHostNotice.Grace - TimeSpan.FromSeconds(1));
        output.ToString().Should().BeEmpty("start-up code may call woven methods before the host is built");
        time.Advance(TimeSpan.FromSeconds(1));
        notice.SayIfStillWithoutHost(); // at process exit, after the timer said it

        output.ToString().Should().Be(NoHostNotice.Message + Environment.NewLine);
        NoHostNotice.Message.Should().Contain("services.AddNbaObservability(");
    }

    [Fact]
    public void A_host_built_within_the_grace_period_silences_it_and_exit_says_it_when_no_host_ever_came()
    {
        var time = new FakeTimeProvider();
        using var quiet = new StringWriter();
        _ = new NoHostNotice(() => false, quiet, time);
        time.Advance(TimeSpan.FromMinutes(5));
        quiet.ToString().Should().BeEmpty();

        using var atExit = new StringWriter();
        var shortLived = new NoHostNotice(() => true, atExit, time);
        shortLived.SayIfStillWithoutHost();
        time.Advance(TimeSpan.FromMinutes(5));
        atExit.ToString().Should().Be(NoHostNotice.Message + Environment.NewLine, "a process that exits before the grace period still hears it, once");
    }

    [Fact]
    public void A_closed_error_stream_is_not_an_exception()
    {
        var output = new StringWriter();
        output.Dispose();
        var notice = new NoHostNotice(() => true, output, new FakeTimeProvider());

        notice.Invoking(n => n.SayIfStillWithoutHost()).Should().NotThrow();
    }
}
