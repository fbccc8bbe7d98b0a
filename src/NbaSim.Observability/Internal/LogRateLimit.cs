namespace NbaSim.Observability.Internal;

/// <summary>
/// Lets one caller through per interval, lock-free: a log line that would repeat on every failed batch (credentials
/// refused) is written once a minute instead of flooding the log.
/// </summary>
internal sealed class LogRateLimit(TimeSpan interval, TimeProvider? timeProvider = null)
{
    private const long Never = long.MinValue;
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private long _lastAt = Never;

    /// <summary>True for the first call, then for the first call after each interval (one caller wins a race).</summary>
    public bool TryEnter()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastAt);
        return (last == Never || _time.GetElapsedTime(last, now) >= interval)
            && Interlocked.CompareExchange(ref _lastAt, now, last) == last;
    }
}
