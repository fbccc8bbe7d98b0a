namespace NbaSim.Observability;

/// <summary>One entry of <c>NbaObservability:Meters</c>: which meter's instruments become which series.</summary>
public sealed class MeterBridgeOptions
{
    /// <summary>The namespace series go to when none is given.</summary>
    public const string DefaultNamespace = "NBA-Simulator/Runtime";

    /// <summary>A meter name (<c>System.Net.Http</c>), or a prefix ending in <c>*</c> (<c>MyCompany.*</c>).</summary>
    /// <value>The default value is empty: a name is required.</value>
    public string Name { get; set; } = string.Empty;

    /// <summary>The CloudWatch namespace of the series. Default <c>NBA-Simulator/Runtime</c>.</summary>
    /// <value>The default value is <c>NBA-Simulator/Runtime</c>.</value>
    public string Namespace { get; set; } = DefaultNamespace;

    /// <summary>Instrument names to publish; empty publishes every instrument of the meter.</summary>
    /// <value>The default value is an empty list (every instrument).</value>
    public List<string> Instruments { get; set; } = [];

    /// <summary>
    /// Tag keys kept as dimensions (at most 30). Default none: the series aggregates over all tags. Tags are never all
    /// kept implicitly: every distinct combination of kept values is a custom metric, and custom metrics are billed.
    /// </summary>
    /// <value>The default value is none: the series aggregates over all tags.</value>
    public List<string> Dimensions { get; set; } = [];
}
