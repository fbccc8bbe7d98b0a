using System.ComponentModel;
using System.Diagnostics;

namespace NbaSim.Observability.Profiling;

/// <summary>
/// The two series (<c>Status=success</c>, <c>Status=failure</c>) of one profiled method. Woven code creates one per
/// method in a static field and calls <see cref="Record"/>; a call costs two timestamps and one aggregate record.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class OperationProfile
{
    private static readonly double SecondsPerTick = 1.0 / Stopwatch.Frequency;
    private readonly string _metricName;
    private readonly string _namespace;
    private readonly SeriesOptions _options;
    private readonly MetricDimension[] _success;
    private readonly MetricDimension[] _failure;
    private Binding _binding = Binding.Unbound;

    /// <summary>Creates the profile; names were validated when the method was woven.</summary>
    /// <param name="operation">Operation name; the metric is <c>&lt;operation&gt;Duration</c>.</param>
    /// <param name="ns">Namespace.</param>
    /// <param name="highResolution">1-second aggregation.</param>
    /// <param name="dimensions">Extra constant dimensions as <c>Name=Value</c>.</param>
    public OperationProfile(string operation, string ns, bool highResolution, string[] dimensions)
    {
        _metricName = operation + "Duration";
        _namespace = ns;
        _options = new SeriesOptions(HighResolution: highResolution);
        var extra = (dimensions ?? []).Select(d => d.Split('=', 2)).Select(p => new MetricDimension(p[0], p.Length > 1 ? p[1] : string.Empty)).ToArray();
        _success = [new MetricDimension("Status", "success"), .. extra];
        _failure = [new MetricDimension("Status", "failure"), .. extra];
    }

    /// <summary>The metric name, <c>&lt;Operation&gt;Duration</c>.</summary>
    public string MetricName => _metricName;

    /// <summary>Records the time since <paramref name="startTimestamp"/> as a success or a failure. Never throws.</summary>
    /// <param name="startTimestamp">A <see cref="Stopwatch.GetTimestamp"/> value taken when the call began.</param>
    /// <param name="succeeded">Whether the call completed successfully.</param>
    public void Record(long startTimestamp, bool succeeded)
    {
        var elapsed = (Stopwatch.GetTimestamp() - startTimestamp) * SecondsPerTick;
        var binding = _binding;
        if (!ReferenceEquals(binding.Registry, ProfilingHost.Current))
        {
            binding = Rebind();
        }

        (succeeded ? binding.Success : binding.Failure)?.Record(elapsed);
    }

    private Binding Rebind()
    {
        var registry = ProfilingHost.Current;
        try
        {
            var binding = new Binding(
                registry,
                registry.Distribution(_namespace, _metricName, MetricUnit.Seconds, _options, _success),
                registry.Distribution(_namespace, _metricName, MetricUnit.Seconds, _options, _failure));
            _binding = binding;
            return binding;
        }
        catch (Exception ex) when (ex is MetricValidationException or InvalidOperationException)
        {
            // The weaver validated the names; this only happens when the same metric was registered as another kind.
            // Recording must never throw into user code: remember the failure and record nothing.
            var binding = new Binding(registry, null, null);
            _binding = binding;
            return binding;
        }
    }

    private sealed record Binding(MetricRegistry? Registry, DistributionSeries? Success, DistributionSeries? Failure)
    {
        public static readonly Binding Unbound = new(null, null, null);
    }
}
