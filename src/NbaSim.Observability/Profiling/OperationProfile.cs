using System.ComponentModel;
using System.Diagnostics;

namespace NbaSim.Observability;

/// <summary>
/// The three series (<c>Status=success</c>, <c>Status=failure</c>, <c>Status=cancelled</c>) of one profiled method.
/// Woven code creates one per method in a static field and calls <see cref="Record(long, bool, bool)"/>; a call costs
/// two timestamps and one aggregate record.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class OperationProfile
{
    private static readonly double SecondsPerTick = 1.0 / Stopwatch.Frequency;
    private readonly string _metricName;
    private readonly string _namespace;
    private readonly string _method;
    private readonly SeriesOptions _options;
    private readonly MetricDimension[] _success;
    private readonly MetricDimension[] _failure;
    private readonly MetricDimension[] _cancelled;
    private Binding _binding = Binding.Unbound;

    /// <summary>Creates the profile; names were validated when the method was woven.</summary>
    /// <param name="operation">Operation name; the metric is <c>&lt;operation&gt;Duration</c>.</param>
    /// <param name="ns">Namespace.</param>
    /// <param name="highResolution">1-second aggregation.</param>
    /// <param name="dimensions">Extra constant dimensions as <c>Name=Value</c>.</param>
    public OperationProfile(string operation, string ns, bool highResolution, string[] dimensions)
        : this(operation, ns, highResolution, dimensions, operation)
    {
    }

    /// <summary>Creates the profile of <paramref name="method"/>; names were validated when the method was woven.</summary>
    /// <param name="operation">Operation name; the metric is <c>&lt;operation&gt;Duration</c>.</param>
    /// <param name="ns">Namespace.</param>
    /// <param name="highResolution">1-second aggregation.</param>
    /// <param name="dimensions">Extra constant dimensions as <c>Name=Value</c>.</param>
    /// <param name="method">The profiled method, for the log line should its series be refused at run time.</param>
    public OperationProfile(string operation, string ns, bool highResolution, string[] dimensions, string method)
        : this(operation, ns, highResolution, dimensions, method, rollup: false)
    {
    }

    /// <summary>Creates the profile of a woven method whose attribute sets <see cref="ProfilePerformanceAttribute.Rollup"/>.</summary>
    /// <param name="operation">The operation name; the metric is its name plus <c>Duration</c>.</param>
    /// <param name="ns">The namespace.</param>
    /// <param name="highResolution">Whether the series is high-resolution.</param>
    /// <param name="dimensions">Extra <c>Name=Value</c> dimensions.</param>
    /// <param name="method">The woven method's name, for the one log line if its series cannot be created.</param>
    /// <param name="rollup">Also publish the duration without the <c>Status</c> dimension.</param>
    public OperationProfile(string operation, string ns, bool highResolution, string[] dimensions, string method, bool rollup)
    {
        _metricName = operation + "Duration";
        _namespace = ns;
        _method = method;
        _options = new SeriesOptions(HighResolution: highResolution) { RollupWithout = rollup ? ["Status"] : null };
        var extra = (dimensions ?? []).Select(d => d.Split('=', 2)).Select(p => new MetricDimension(p[0], p.Length > 1 ? p[1] : string.Empty)).ToArray();
        _success = [new MetricDimension("Status", "success"), .. extra];
        _failure = [new MetricDimension("Status", "failure"), .. extra];
        _cancelled = [new MetricDimension("Status", "cancelled"), .. extra];
    }

    /// <summary>The metric name, <c>&lt;Operation&gt;Duration</c>.</summary>
    public string MetricName => _metricName;

    /// <summary>Records the time since <paramref name="startTimestamp"/> as a success or a failure. Never throws.</summary>
    /// <param name="startTimestamp">A <see cref="Stopwatch.GetTimestamp"/> value taken when the call began.</param>
    /// <param name="succeeded">Whether the call completed successfully.</param>
    public void Record(long startTimestamp, bool succeeded) => Record(startTimestamp, succeeded, cancelled: false);

    /// <summary>Records the time since <paramref name="startTimestamp"/> as a success, a cancellation or a failure. Never throws.</summary>
    /// <param name="startTimestamp">A <see cref="Stopwatch.GetTimestamp"/> value taken when the call began.</param>
    /// <param name="succeeded">Whether the call completed successfully.</param>
    /// <param name="cancelled">Whether it ended with an <see cref="OperationCanceledException"/> (a shutdown is not a failure).</param>
    public void Record(long startTimestamp, bool succeeded, bool cancelled)
    {
        var elapsed = (Stopwatch.GetTimestamp() - startTimestamp) * SecondsPerTick;
        var binding = _binding;
        if (!ReferenceEquals(binding.Registry, ProfilingHost.Current))
        {
            binding = Rebind();
        }

        (succeeded ? binding.Success : cancelled ? binding.Cancelled : binding.Failure)?.Record(elapsed);
    }

    /// <summary>Records a call that ended with <paramref name="exception"/>: cancelled for an <see cref="OperationCanceledException"/>, else failure.</summary>
    /// <param name="startTimestamp">A <see cref="Stopwatch.GetTimestamp"/> value taken when the call began.</param>
    /// <param name="exception">How the call ended.</param>
    public void RecordException(long startTimestamp, Exception? exception)
        => Record(startTimestamp, succeeded: false, cancelled: exception is OperationCanceledException);

    private Binding Rebind()
    {
        var registry = ProfilingHost.Current;
        try
        {
            var binding = new Binding(
                registry,
                registry.Distribution(_namespace, _metricName, MetricUnit.Seconds, _options, _success),
                registry.Distribution(_namespace, _metricName, MetricUnit.Seconds, _options, _failure),
                registry.Distribution(_namespace, _metricName, MetricUnit.Seconds, _options, _cancelled));
            _binding = binding;
            return binding;
        }
        catch (Exception ex) when (ex is MetricValidationException or InvalidOperationException)
        {
            // The weaver checked what it can see at build time; what fails here (the same metric registered as another
            // kind at run time) is logged once with the method's name. Recording never throws into user code.
            var binding = new Binding(registry, null, null, null);
            _binding = binding;
            registry.ReportProfileRefused(_method, _namespace, _metricName, ex.Message);
            return binding;
        }
    }

    private sealed record Binding(MetricRegistry? Registry, DistributionSeries? Success, DistributionSeries? Failure, DistributionSeries? Cancelled)
    {
        public static readonly Binding Unbound = new(null, null, null, null);
    }
}
