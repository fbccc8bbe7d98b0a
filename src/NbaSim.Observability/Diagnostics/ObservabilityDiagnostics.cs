namespace NbaSim.Observability;

/// <summary>A snapshot of the pipeline's state and of what it costs in CloudWatch.</summary>
public sealed record ObservabilityDiagnostics
{
    /// <summary>CloudWatch's list price per custom metric per month, in USD (first 10,000 metrics).</summary>
    public const decimal PricePerMetricMonth = 0.30m;

    /// <summary>CloudWatch's list price per 1,000 PutMetricData requests, in USD.</summary>
    public const decimal PricePerThousandRequests = 0.01m;

    /// <summary>Distinct series currently registered (overflow series included).</summary>
    public int LiveSeries { get; init; }

    /// <summary>
    /// Distinct rollup metrics (<see cref="SeriesOptions.RollupWithout"/>): each is one more custom metric on the bill,
    /// whichever exporter publishes it.
    /// </summary>
    public int RollupMetrics { get; init; }

    /// <summary>Distinct series per namespace.</summary>
    public IReadOnlyDictionary<string, int> SeriesPerNamespace { get; init; } = new Dictionary<string, int>();

    /// <summary>Requests for a new series that were redirected to an overflow series by the cardinality limit.</summary>
    public long SeriesOverflowed { get; init; }

    /// <summary>Samples aggregated and handed to the pipeline so far.</summary>
    public long SamplesAggregated { get; init; }

    /// <summary>Samples rejected because they were not finite or beyond ±2^360.</summary>
    public long SamplesRejected { get; init; }

    /// <summary>
    /// Samples the stop's final collection could not send because their thread was suspended inside a recording (by a
    /// debugger or the OS) when the process stopped: its cell cannot be read safely then. Logged; 0 in every ordinary stop.
    /// </summary>
    public long SamplesLeftBehind { get; init; }

    /// <summary>Datums successfully exported.</summary>
    public long DatumsExported { get; init; }

    /// <summary>Batches (PutMetricData calls, or what would have been one) successfully exported.</summary>
    public long BatchesExported { get; init; }

    /// <summary>Datums that could not be delivered (buffer full, outside CloudWatch's window, shutdown timeout), each logged.</summary>
    public long DatumsDropped { get; init; }

    /// <summary>Datums waiting in the buffer.</summary>
    public int QueuedDatums { get; init; }

    /// <summary>Export attempts that failed.</summary>
    public long ExportFailures { get; init; }

    /// <summary>Why the latest export failed, in one line; <see langword="null"/> when none has.</summary>
    public string? LastExportError { get; init; }

    /// <summary>Aggregation periods the collector woke too late to close on time; their samples are stamped with the last closed period.</summary>
    public long PeriodsSkipped { get; init; }

    /// <summary>Time since the pipeline started.</summary>
    public TimeSpan Uptime { get; init; }

    /// <summary>The standard aggregation period; the call rate is never projected from less than one period.</summary>
    public TimeSpan AggregationPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Estimated monthly CloudWatch bill for this process: $0.30 per live custom metric (series and rollups) plus $0.01 per 1,000 PutMetricData
    /// calls, with the call rate so far projected over 30 days (a run shorter than one aggregation period counts as one
    /// period, since batches leave once per period).
    /// </summary>
    public decimal EstimatedMonthlyCostUsd
    {
        get
        {
            var metrics = (LiveSeries + RollupMetrics) * PricePerMetricMonth;
            var observed = Uptime > AggregationPeriod ? Uptime : AggregationPeriod;
            if (observed <= TimeSpan.Zero)
            {
                return metrics;
            }

            var callsPerMonth = (decimal)(BatchesExported / observed.TotalSeconds * TimeSpan.FromDays(30).TotalSeconds);
            return Math.Round(metrics + (callsPerMonth / 1000m * PricePerThousandRequests), 4);
        }
    }
}
