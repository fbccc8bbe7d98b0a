namespace NbaSim.Observability.Aggregation;

/// <summary>
/// Builds the explicit rollup datums PutMetricData needs (EMF gets a second dimension set instead): every datum of a
/// period that names the same rollup is merged the way CloudWatch merges datums of one metric and timestamp (counts and
/// sums added, extremes kept, Values/Counts united), so the rollup's statistics and percentiles are exact.
/// </summary>
internal static class RollupMerger
{
    /// <summary>
    /// Appends the merged rollup datums of <paramref name="datums"/> to it and unmarks the originals (so no later reader,
    /// an EMF exporter behind a wrapper or a spool replayed under another exporter, counts the rollup twice); returns how
    /// many were added.
    /// </summary>
    public static int AppendMerged(List<MetricDatum> datums, int maxValues = MetricLimits.MaxValuesPerDatum)
    {
        Dictionary<string, List<MetricDatum>>? groups = null;
        var count = datums.Count;
        for (var i = 0; i < count; i++)
        {
            var datum = datums[i];
            if (datum.Rollup is not { } rollup)
            {
                continue;
            }

            datums[i] = datum.WithoutRollup();

            groups ??= new Dictionary<string, List<MetricDatum>>(StringComparer.Ordinal);
            var key = string.Join('\u001F', datum.Namespace, datum.MetricName, (int)datum.Unit, datum.StorageResolution, datum.Timestamp.UtcTicks,
                string.Join('\u001E', rollup.Select(d => d.Name + "\u001D" + d.Value)));
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = [];
            }

            group.Add(datum);
        }

        if (groups is null)
        {
            return 0;
        }

        foreach (var group in groups.Values)
        {
            Merge(group, datums, maxValues);
        }

        return datums.Count - count;
    }

    private static void Merge(List<MetricDatum> group, List<MetricDatum> output, int maxValues)
    {
        var first = group[0];
        double samples = 0, sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        var distribution = new SortedDictionary<double, double>();
        var everyPartHasValues = true;
        foreach (var datum in group)
        {
            // A single value (a counter's zero for an idle period) is one sample, as CloudWatch counts it.
            var s = datum.StatisticValues ?? new StatisticSet(1, datum.Value!.Value, datum.Value.Value, datum.Value.Value);
            samples += s.SampleCount;
            sum += s.Sum;
            min = Math.Min(min, s.Minimum);
            max = Math.Max(max, s.Maximum);
            if (datum.Values is not { } values)
            {
                everyPartHasValues = false;
                continue;
            }

            for (var i = 0; i < values.Count; i++)
            {
                distribution[values[i]] = distribution.GetValueOrDefault(values[i]) + (datum.Counts?[i] ?? 1);
            }
        }

        var exact = new StatisticSet(samples, sum, min, max);
        var rollup = first.Rollup!;
        MetricDatum Create(StatisticSet stats, double[]? values, double[]? counts)
            => new(first.Namespace, first.MetricName, rollup, first.Unit, first.Timestamp, first.StorageResolution, null, stats, values, counts) { Kind = first.Kind, IsMergedRollup = true };

        // Values only when every part had them: a partial distribution would put wrong percentiles on exact statistics.
        if (!everyPartHasValues || distribution.Count == 0)
        {
            output.Add(Create(exact, null, null));
            return;
        }

        var mergedValues = distribution.Keys.ToArray();
        var mergedCounts = distribution.Values.ToArray();
        if (mergedValues.Length <= maxValues)
        {
            output.Add(Create(exact, mergedValues, mergedCounts));
            return;
        }

        DistributionSplitter.Resplit(mergedValues, mergedCounts, exact, (stats, values, counts) => output.Add(Create(stats, values, counts)), maxValues);
    }
}
