using Microsoft.Extensions.Logging;

namespace NbaSim.Observability.Internal;

/// <summary>Source-generated log messages; event ids are stable and documented in docs/reliability.md.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Namespace '{Namespace}' reached its limit of {Limit} series (MaxSeriesPerNamespace); new series now record into overflow series with dimension Overflow=true.")]
    public static partial void CardinalityLimitReached(ILogger logger, string @namespace, int limit);

    [LoggerMessage(2, LogLevel.Warning, "The callback of observable gauge '{Namespace}/{MetricName}' has thrown {Failures} time(s); its value is skipped for those periods.")]
    public static partial void ObserveCallbackFailed(ILogger logger, string @namespace, string metricName, long failures);

    [LoggerMessage(3, LogLevel.Warning, "The metric buffer is full ({Capacity} datums, MaxQueuedDatums); dropped {Dropped} datum(s) so far.")]
    public static partial void BufferFull(ILogger logger, int capacity, long dropped);

    [LoggerMessage(4, LogLevel.Warning, "Exporting a batch of {Datums} datum(s) failed ({ExceptionType}); it stays buffered and is retried at the next flush.")]
    public static partial void ExportFailed(ILogger logger, int datums, string exceptionType, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Dropped {Datums} datum(s) older than CloudWatch's 14-day window (oldest {Oldest:O}).")]
    public static partial void DroppedTooOld(ILogger logger, int datums, DateTimeOffset oldest);

    [LoggerMessage(6, LogLevel.Error, "Shutdown timed out after {Timeout}; {Datums} datum(s) could not be delivered and are dropped.")]
    public static partial void ShutdownDropped(ILogger logger, TimeSpan timeout, long datums);

    [LoggerMessage(7, LogLevel.Warning, "Metric samples were rejected (NaN, infinite or beyond ±2^360): {Rejected} so far in '{Namespace}/{MetricName}'.")]
    public static partial void SamplesRejected(ILogger logger, string @namespace, string metricName, long rejected);

    [LoggerMessage(8, LogLevel.Warning, "The retry buffer is over its cap; dropped {Datums} of the oldest undelivered datum(s).")]
    public static partial void RetryBufferOverflow(ILogger logger, int datums);

    [LoggerMessage(9, LogLevel.Warning, "The EMF destination failed ({ExceptionType}): {Message}.")]
    public static partial void EmfWriteFailed(ILogger logger, string exceptionType, string message);

    [LoggerMessage(10, LogLevel.Error, "CloudWatch refused datum {Datum} ({ErrorCode}): {ServiceMessage}. It is dropped and counted.")]
    public static partial void DatumRejected(ILogger logger, string datum, string errorCode, string serviceMessage);

    [LoggerMessage(11, LogLevel.Warning, "The metric buffer refused {Metric}; it will be published at the next run.")]
    public static partial void CostDatumRefused(ILogger logger, string metric);

    [LoggerMessage(12, LogLevel.Warning, "DIMS drift: {Metric} moved from {Previous} to {Value} (tolerance {Tolerance}).")]
    public static partial void DimsDrift(ILogger logger, string metric, double? previous, double value, double tolerance);

    [LoggerMessage(13, LogLevel.Warning, "DIMS state {Path} could not be {Action} ({Error}); drift is measured from the next successful save on.")]
    public static partial void DimsStateFailed(ILogger logger, string path, string action, string error);

    [LoggerMessage(14, LogLevel.Error, "Publisher {Publisher} failed ({Error}); it runs again at its next interval.")]
    public static partial void PublisherFailed(ILogger logger, string publisher, string error, Exception exception);

    [LoggerMessage(15, LogLevel.Error, "Spool file {Path} was quarantined ({Reason}); its datums are not replayed.")]
    public static partial void SpoolQuarantined(ILogger logger, string path, string reason);

    [LoggerMessage(16, LogLevel.Warning, "The spool passed its cap of {MaxBytes} bytes; dropped {Datums} datum(s) of its oldest file.")]
    public static partial void SpoolFull(ILogger logger, long maxBytes, int datums);

    [LoggerMessage(17, LogLevel.Warning, "Spool file {Path}: {Problem}.")]
    public static partial void SpoolProblem(ILogger logger, string path, string problem);

    [LoggerMessage(18, LogLevel.Error, "The metric pipeline's {Stage} step failed ({Error}); it carries on.")]
    public static partial void PipelineError(ILogger logger, string stage, string error, Exception exception);

    [LoggerMessage(19, LogLevel.Critical, "CloudWatch refused the credentials or permissions ({ErrorCode}, HTTP {Status}); {Datums} datum(s) are kept and retried at every flush until they pass. Fix the credentials (rotated key? expired session? missing cloudwatch:PutMetricData?). This message repeats at most once a minute.")]
    public static partial void CredentialsRefused(ILogger logger, string errorCode, int status, int datums);

    [LoggerMessage(20, LogLevel.Warning, "Shutdown: {Datums} undelivered datum(s) stay in the spool ({Files} file(s)); the next start sends them.")]
    public static partial void ShutdownSpooled(ILogger logger, int datums, int files);

    [LoggerMessage(21, LogLevel.Warning, "Collection woke {Skipped} period(s) late (a suspended process); samples recorded meanwhile are stamped with the period that was due to close, and the periods skipped after it are zero-filled where PublishZeroWhenIdle asks for it.")]
    public static partial void PeriodsSkipped(ILogger logger, long skipped);

    [LoggerMessage(22, LogLevel.Warning, "The callback of observable gauge '{Namespace}/{MetricName}' did not return within {Timeout}; its value is skipped until it does.")]
    public static partial void ObserveCallbackTimedOut(ILogger logger, string @namespace, string metricName, TimeSpan timeout);

    [LoggerMessage(23, LogLevel.Error, "An EMF document for {Destination} can never be sent (larger than a datagram); its {Datums} datum(s) are dropped and counted.")]
    public static partial void EmfDocumentRejected(ILogger logger, string destination, int datums);

    [LoggerMessage(24, LogLevel.Error, "[ProfilePerformance] on {Method}: its series {Namespace}/{MetricName} could not be created ({Reason}); the method runs, but its calls are not recorded.")]
    public static partial void ProfileRefused(ILogger logger, string method, string @namespace, string metricName, string reason);

    [LoggerMessage(25, LogLevel.Warning, "Instrument {Meter}/{Instrument} has unit '{Unit}', which has no CloudWatch equivalent; it is published with unit None.")]
    public static partial void MeterUnitUnknown(ILogger logger, string unit, string meter, string instrument);

    [LoggerMessage(26, LogLevel.Error, "A series of instrument {Meter}/{Instrument} was refused ({Reason}); its measurements are counted as refused, not published.")]
    public static partial void MeterSeriesRefused(ILogger logger, string meter, string instrument, string reason);

    [LoggerMessage(27, LogLevel.Warning, "An observable instrument's callback threw {ExceptionType} ({Message}); its value is missing for this period.")]
    public static partial void MeterCallbackFailed(ILogger logger, string exceptionType, string message);

    [LoggerMessage(28, LogLevel.Information, "NbaSim.Observability is switched off ({Reason}): nothing is recorded or exported, and no exporter or background work is started.")]
    public static partial void SwitchedOff(ILogger logger, string reason);

    [LoggerMessage(29, LogLevel.Warning, "{Variable} is '{Value}', which is not 1, true, 0 or false: the pipeline stays on. Set it to 1 or true to turn NbaSim.Observability off.")]
    public static partial void SwitchValueUnrecognized(ILogger logger, string variable, string value);

    [LoggerMessage(30, LogLevel.Error, "EMF cannot carry datum {Datum}: {Reason}. It is dropped and counted.")]
    public static partial void EmfDatumRefused(ILogger logger, string datum, string reason);

    [LoggerMessage(31, LogLevel.Warning, "Namespace '{Namespace}' has reached {Limit} series (twice MaxSeriesPerNamespace): new series of '{MetricName}' can no longer be kept per rollup ({Kept}); their samples are counted in CardinalityOverflow and are missing from that rollup.")]
    public static partial void RollupOverflowRefused(ILogger logger, string @namespace, string metricName, string kept, long limit);

    [LoggerMessage(32, LogLevel.Warning, "The sink has stopped and has no spool: {Dropped} datum(s) published or harvested after the stop were dropped (counted in DatumsDropped).")]
    public static partial void DroppedAfterStop(ILogger logger, long dropped);

    [LoggerMessage(33, LogLevel.Warning, "Stopping was cancelled by the caller after {Elapsed} of NbaObservability:ShutdownTimeout {Timeout}: a host cancels at its own HostOptions.ShutdownTimeout (30 s by default). Set the host's to at least ours plus 5 s; what is left is reported next.")]
    public static partial void StopCutShort(ILogger logger, TimeSpan elapsed, TimeSpan timeout);

    [LoggerMessage(34, LogLevel.Information, "An export that outlived the stop delivered {Datums} datum(s) after all; they are no longer counted as dropped.")]
    public static partial void DeliveredAfterStop(ILogger logger, int datums);

    [LoggerMessage(35, LogLevel.Error, "The exporter's {Member} threw; the datum goes in a batch of its own (or the envelope counts as 0) so delivery goes on.")]
    public static partial void ExporterMeasureFailed(ILogger logger, string member, Exception exception);

    [LoggerMessage(36, LogLevel.Warning, "NbaObservability:Schedule:{Publisher}:Enabled is true but no publisher scheduler is registered: nothing will run on that schedule. Call services.AddNbaPublishers() after AddNbaObservability(...).")]
    public static partial void ScheduleWithoutPublishers(ILogger logger, string publisher);

    [LoggerMessage(37, LogLevel.Warning, "{Message}")]
    public static partial void UnknownSetting(ILogger logger, string message);

    [LoggerMessage(38, LogLevel.Warning, "NbaObservability:Meters:{Index}:Name '{Meter}' matched no meter within {Grace} of start-up, so nothing of it is published; {Suggestion}")]
    public static partial void ConfiguredMeterNeverSeen(ILogger logger, int index, string meter, TimeSpan grace, string suggestion);

    [LoggerMessage(39, LogLevel.Warning, "NbaObservability:Meters:{Index}:Instruments:{Position} '{Instrument}' was not published by meter '{Meter}' within {Grace} of start-up; {Suggestion}")]
    public static partial void ConfiguredInstrumentNeverSeen(ILogger logger, int index, int position, string instrument, string meter, TimeSpan grace, string suggestion);

    [LoggerMessage(40, LogLevel.Warning, "The OTLP endpoint rejected {Points} data point(s) (partial_success): {ServiceMessage}")]
    public static partial void OtlpPartialSuccess(ILogger logger, long points, string serviceMessage);

    [LoggerMessage(41, LogLevel.Error, "The OTLP endpoint refused {Metric} (HTTP {Status}), counted as dropped: {ServiceMessage}")]
    public static partial void OtlpPointRejected(ILogger logger, string metric, int status, string serviceMessage);

    [LoggerMessage(42, LogLevel.Error, "{Datum} breaks an OTLP endpoint limit, counted as dropped: {Reason}")]
    public static partial void OtlpLimitBroken(ILogger logger, string datum, string reason);

    [LoggerMessage(43, LogLevel.Warning, "Dual-write: the secondary destination ({Exporter}) has dropped {Datums} datum(s) so far: its queue holds {Limit} (MaxQueuedDatums); the primary is not affected.")]
    public static partial void SecondaryDropped(ILogger logger, long datums, string exporter, int limit);

    [LoggerMessage(44, LogLevel.Warning, "{Samples} metric sample(s) were not sent: a thread was suspended inside a recording when the final flush ran (a debugger or the OS), and its cell cannot be read safely while it is. Counted as SamplesLeftBehind.")]
    public static partial void SamplesLeftBehind(ILogger logger, long samples);
}
