using Microsoft.Extensions.Logging;
using NbaSim.Observability.Diagnostics;
using NbaSim.Observability.Internal;

namespace NbaSim.Observability.Recording;

/// <summary>
/// One resolution's aggregation period (60 s standard, 1 s high resolution): where the open period starts, closing it
/// on its UTC boundary, and zero-filling the periods a late collector skipped. Not thread-safe: the registry calls it
/// under its collection lock.
/// </summary>
internal sealed class PeriodClock
{
    /// <summary>Zero-filled periods per series after a late wake-up, at most (a day of minutes).</summary>
    private const int MaxZeroFilledPeriods = 1440;

    private readonly PipelineStatistics _statistics;
    private ILogger _logger;
    private long _periodTicks;
    private DateTimeOffset _start;
    private bool _partlyPublished;

    public PeriodClock(long periodTicks, DateTimeOffset now, PipelineStatistics statistics, ILogger logger)
    {
        _statistics = statistics;
        _logger = logger;
        _periodTicks = periodTicks;
        _start = Align(now, periodTicks);
    }

    /// <summary>The period's length in ticks.</summary>
    public long PeriodTicks => _periodTicks;

    /// <summary>When the open period closes.</summary>
    public DateTimeOffset End => _start.AddTicks(_periodTicks);

    /// <summary>Starts over with another period length (a host's settings applied to a registry created before it).</summary>
    public void Reset(long periodTicks, DateTimeOffset now, ILogger logger)
    {
        _periodTicks = periodTicks;
        _logger = logger;
        _start = Align(now, periodTicks);
    }

    /// <summary>
    /// Harvests <paramref name="series"/> if their period has closed by <paramref name="now"/> (or, with
    /// <paramref name="includeOpen"/>, also while it is open): each datum is stamped with the period's start.
    /// </summary>
    /// <returns>Samples harvested.</returns>
    public long Close(MetricSeries[] series, DateTimeOffset now, bool includeOpen, List<MetricDatum> output, List<Aggregation.HistogramBucket> scratch)
    {
        var periodTicks = _periodTicks;
        var periodStart = _start;
        var current = Align(now, periodTicks);
        var closed = current > periodStart;
        if (!closed && !includeOpen)
        {
            return 0;
        }

        // A collector that wakes late (a suspended process; the collector has a thread of its own, so a starved thread
        // pool cannot delay it) harvests what was recorded while its period was open: the samples are stamped with the
        // period that was due to close (a process that resumes runs its collector at once, before much else is
        // recorded), and the periods skipped after it are counted and zero-filled.
        var stamp = periodStart;
        if (closed && series.Length > 0 && current.UtcTicks - periodStart.UtcTicks > periodTicks)
        {
            var skipped = ((current.UtcTicks - periodStart.UtcTicks) / periodTicks) - 1;
            _statistics.SkippedPeriods(skipped);
            Log.PeriodsSkipped(_logger, skipped);
            for (var k = Math.Max(1, skipped - MaxZeroFilledPeriods + 1); k <= skipped; k++)
            {
                foreach (var s in series)
                {
                    s.ZeroFill(periodStart.AddTicks(k * periodTicks), output);
                }
            }
        }

        // Every series hands its per-thread cells over first, then one process-wide barrier serves them all (each
        // harvest would otherwise run its own).
        var retired = false;
        foreach (var s in series)
        {
            retired |= s.RetireThreadCells();
        }

        if (retired)
        {
            Aggregation.RecordingThread.Barrier();
        }

        long samples = 0;
        foreach (var s in series)
        {
            var count = s.Harvest(stamp, output, scratch, _partlyPublished);
            samples += count;
            if (s.IsOverflow && count > 0)
            {
                _statistics.AddOverflowSamples(count);
            }

            if (s is GaugeSeries gauge && gauge.ObserveFailures > gauge.ObserveFailuresReported)
            {
                gauge.ObserveFailuresReported = gauge.ObserveFailures;
                Log.ObserveCallbackFailed(_logger, s.Namespace, s.MetricName, gauge.ObserveFailures);
            }

            if (s is GaugeSeries slow && slow.ObserveTimeouts > slow.ObserveTimeoutsReported)
            {
                slow.ObserveTimeoutsReported = slow.ObserveTimeouts;
                Log.ObserveCallbackTimedOut(_logger, s.Namespace, s.MetricName, slow.CallbackTimeout);
            }

            if (s.RejectedSamples > s.RejectedReported)
            {
                s.RejectedReported = s.RejectedSamples;
                Log.SamplesRejected(_logger, s.Namespace, s.MetricName, s.RejectedReported);
            }
        }

        if (closed)
        {
            _start = current;
            _partlyPublished = false;
        }
        else
        {
            _partlyPublished = true;
        }

        return samples;
    }

    public static DateTimeOffset Align(DateTimeOffset time, long periodTicks)
    {
        var utcTicks = time.UtcTicks;
        return new DateTimeOffset(utcTicks - (utcTicks % periodTicks), TimeSpan.Zero);
    }
}
