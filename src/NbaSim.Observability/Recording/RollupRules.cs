namespace NbaSim.Observability.Recording;

/// <summary>
/// The rollup rules (<see cref="SeriesOptions.RollupWithout"/>): which dimensions a rollup keeps, and that every series
/// of a metric asks for the same rollup. Not thread-safe: the series table calls it under its lock.
/// </summary>
internal sealed class RollupRules
{
    private readonly HashSet<string> _rollupMetrics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _specs = new(StringComparer.Ordinal);

    /// <summary>Distinct rollup metrics (a metric and its kept dimensions) created so far.</summary>
    public int Count => _rollupMetrics.Count;

    /// <summary>Notes a rollup metric by its series key.</summary>
    public void Add(string rollupKey) => _rollupMetrics.Add(rollupKey);

    /// <summary>
    /// Every series of a metric must ask for the same rollup: one series without it (or with another) would leave its
    /// samples out of the aggregate, a rollup that looks complete and is not. The first series decides. Call under the series table's lock.
    /// </summary>
    public void CheckSame(string ns, string metricName, IReadOnlyList<string>? without)
    {
        var spec = without is { Count: > 0 } ? string.Join(", ", without.Order(StringComparer.Ordinal)) : string.Empty;
        var key = ns + "\u001F" + metricName;
        if (!_specs.TryGetValue(key, out var existing))
        {
            _specs[key] = spec;
            return;
        }

        if (!string.Equals(existing, spec, StringComparison.Ordinal))
        {
            static string Describe(string s) => s.Length == 0 ? "no rollup" : $"RollupWithout [{s}]";
            throw new MetricValidationException(nameof(SeriesOptions.RollupWithout), $"Metric '{metricName}' in '{ns}' already has series with {Describe(existing)}; this one asks for {Describe(spec)}. Every series of a metric must ask for the same rollup, or the rollup would miss some of its samples.");
        }
    }

    /// <summary>The rollup's dimensions: <paramref name="dims"/> without the named ones; null when none is asked for.</summary>
    public static MetricDimension[]? Of(MetricKind kind, string metricName, MetricDimension[] dims, IReadOnlyList<string>? without)
    {
        if (without is not { Count: > 0 })
        {
            return null;
        }

        if (kind == MetricKind.Gauge)
        {
            throw new MetricValidationException(nameof(SeriesOptions.RollupWithout), $"Metric '{metricName}' is a gauge; a rollup (RollupWithout) adds samples up, so it applies to counters and distributions only.");
        }

        foreach (var name in without)
        {
            if (!dims.Any(d => string.Equals(d.Name, name, StringComparison.Ordinal)))
            {
                var present = dims.Length == 0 ? "none" : string.Join(", ", dims.Select(d => d.Name));
                throw new MetricValidationException(nameof(SeriesOptions.RollupWithout), $"RollupWithout names dimension '{name}', which metric '{metricName}' does not have (its dimensions: {present}).");
            }
        }

        return dims.Where(d => !without.Contains(d.Name, StringComparer.Ordinal)).ToArray();
    }
}
