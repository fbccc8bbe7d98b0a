namespace NbaSim.Observability.MonitoringAsCode;

/// <summary>
/// One <c>[ProfilePerformance]</c> operation as the dashboards and alarms query it. Written in configuration
/// (<c>Monitoring:ProfiledOperations</c>) as <c>Name</c>, <c>Name[Dim=Value,Dim=Value]</c> for an attribute with
/// <c>Dimensions</c>, and <c>…@Namespace</c> for one with its own <c>Namespace</c>: e.g.
/// <c>GameSimulation[Engine=v2]</c>. <c>nbaobs --assembly app.dll</c> writes the same from the attributes themselves.
/// </summary>
internal sealed record ProfiledOperation(string Namespace, string Name, IReadOnlyList<MetricDimension> Dimensions)
{
    /// <summary>The metric the woven method publishes.</summary>
    public string MetricName => Name + "Duration";

    /// <summary>Name plus dimension values, for alarm names: <c>GameSimulation-v2</c>.</summary>
    public string Key => Dimensions.Count == 0 ? Name : $"{Name}-{string.Join('-', Dimensions.Select(d => d.Value))}";

    /// <summary>Name plus dimensions, for labels: <c>GameSimulation (Engine=v2)</c>.</summary>
    public string Label => Dimensions.Count == 0 ? Name : $"{Name} ({string.Join(", ", Dimensions.Select(d => $"{d.Name}={d.Value}"))})";

    /// <summary>The configuration form (round-trips through <see cref="Parse"/>).</summary>
    public override string ToString()
        => Name + (Dimensions.Count == 0 ? string.Empty : $"[{string.Join(',', Dimensions.Select(d => $"{d.Name}={d.Value}"))}]")
            + (Namespace == ProfilePerformanceAttribute.DefaultNamespace ? string.Empty : "@" + Namespace);

    /// <summary>Reads the configuration form.</summary>
    /// <exception cref="FormatException">The text is not <c>Name[Dim=Value,…]@Namespace</c>.</exception>
    public static ProfiledOperation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rest = text.Trim();
        var ns = ProfilePerformanceAttribute.DefaultNamespace;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            ns = rest[(at + 1)..].Trim();
            rest = rest[..at].Trim();
        }

        var dimensions = new List<MetricDimension>();
        var open = rest.IndexOf('[', StringComparison.Ordinal);
        if (open >= 0)
        {
            if (!rest.EndsWith(']'))
            {
                throw Bad(text);
            }

            foreach (var pair in rest[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || equals == pair.Length - 1)
                {
                    throw Bad(text);
                }

                dimensions.Add(new MetricDimension(pair[..equals].Trim(), pair[(equals + 1)..].Trim()));
            }

            rest = rest[..open].Trim();
        }

        return rest.Length == 0 || ns.Length == 0 ? throw Bad(text) : new ProfiledOperation(ns, rest, dimensions);
    }

    private static FormatException Bad(string text)
        => new($"NbaObservability:Monitoring:ProfiledOperations has '{text}'; expected Name, Name[Dimension=Value,…] or either followed by @Namespace, e.g. GameSimulation[Engine=v2].");
}
