namespace NbaSim.Observability.Profiling;

/// <summary>
/// Says once, on the error stream, that woven methods are being called in a process that never built a host: their
/// timings then stay in memory and are never published, and without a host there is no logger to say it through.
/// Said when a grace period after the first such call passes without a host (start-up code may call woven methods
/// before the host is built), or at process exit if that comes first.
/// </summary>
internal sealed class NoHostNotice
{
    /// <summary>The grace period: a host built within it after the first woven call silences the notice.</summary>
    internal static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    internal const string Message =
        "NbaSim.Observability: [ProfilePerformance] methods were called, but no host was built with services.AddNbaObservability(...) "
        + "(nor a registry attached with ProfilingHost.Attach): their timings stay in memory and are never published. "
        + "Add services.AddNbaObservability(builder.Configuration) at start-up.";

    private readonly Func<bool> _stillWithoutHost;
    private readonly TextWriter _output;
    private readonly ITimer _timer;
    private int _said;

    public NoHostNotice(Func<bool> stillWithoutHost, TextWriter output, TimeProvider time)
    {
        _stillWithoutHost = stillWithoutHost;
        _output = output;
        _timer = time.CreateTimer(static state => ((NoHostNotice)state!).SayIfStillWithoutHost(), this, Grace, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Writes the notice if no host has appeared and it was not written yet; never throws.</summary>
    public void SayIfStillWithoutHost()
    {
        _timer.Dispose();
        if (!_stillWithoutHost() || Interlocked.Exchange(ref _said, 1) != 0)
        {
            return;
        }

        try
        {
            _output.WriteLine(Message);
            _output.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // A closed error stream: there is nowhere left to say it.
        }
    }
}
