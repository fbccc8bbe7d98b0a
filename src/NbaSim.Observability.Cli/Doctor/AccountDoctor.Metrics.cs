namespace NbaSim.Observability.Cli.Doctor;

/// <content>Namespaces and names against ListMetrics; freshness through GetMetricData.</content>
internal sealed partial class AccountDoctor
{
    private const int MaxNamesShown = 8;

    private async Task CheckNamesAsync(IReadOnlyList<ExpectedMetric> expected, Dictionary<string, List<MetricIdentity>> listed, CancellationToken cancellationToken)
    {
        foreach (var ns in expected.Select(e => e.Metric.Namespace).Distinct(StringComparer.Ordinal))
        {
            listed[ns] = await ListAsync(ns, cancellationToken).ConfigureAwait(false);
        }

        List<MetricIdentity>? account = null;
        foreach (var group in expected.GroupBy(e => e.Metric.Namespace, StringComparer.Ordinal))
        {
            var ns = group.Key;
            var present = listed[ns].Select(ExpectedMetric.Key).ToHashSet(StringComparer.Ordinal);
            var names = listed[ns].Select(m => m.MetricName).ToHashSet(StringComparer.Ordinal);
            var missing = new List<ExpectedMetric>();
            var problems = 0;
            foreach (var metric in group)
            {
                if (present.Contains(ExpectedMetric.Key(metric.Metric)))
                {
                    continue;
                }

                if (names.Contains(metric.Metric.MetricName))
                {
                    var seen = listed[ns].Where(m => m.MetricName == metric.Metric.MetricName).Select(m => Dimensions(m.Dimensions)).Distinct(StringComparer.Ordinal).Take(3);
                    Add(DoctorFinding.Warn("metrics", Name(metric.Metric), $"listed only with other dimensions: {string.Join("; ", seen)}; {string.Join(", ", metric.UsedBy.Take(2))} query {Dimensions(metric.Metric.Dimensions)}", "publish with the dimensions the dashboards and alarms query, or fix the Monitoring settings (Bucket, ProfiledOperations, TestSuites, Pipelines) to match"));
                    problems++;
                    continue;
                }

                if (NearMiss.Find(metric.Metric.MetricName, names) is [var near, ..])
                {
                    Add(DoctorFinding.Fail("metrics", Name(metric.Metric), $"not listed, but {ns}/{near} is: metric names are case-sensitive and must match exactly", $"rename {near} to {metric.Metric.MetricName} where it is published"));
                    problems++;
                    continue;
                }

                missing.Add(metric);
            }

            if (missing.Count > 0)
            {
                account ??= await ListAsync(null, cancellationToken).ConfigureAwait(false);
                var nearNamespaces = NearMiss.Find(ns, account.Select(m => m.Namespace).Distinct(StringComparer.Ordinal));
                var misplaced = missing.Select(m => (Metric: m, In: nearNamespaces.FirstOrDefault(n => account.Any(a => a.Namespace == n && a.MetricName == m.Metric.MetricName)))).ToList();
                foreach (var byNamespace in misplaced.Where(m => m.In is not null).GroupBy(m => m.In!, StringComparer.Ordinal))
                {
                    Add(DoctorFinding.Fail("metrics", ns, $"{Names(byNamespace.Select(m => m.Metric.Metric.MetricName))} are published to {byNamespace.Key} instead: namespaces are case-sensitive and must match exactly", $"publish to {ns} (fix the namespace in the code or configuration that publishes them)"));
                    problems += byNamespace.Count();
                }

                var absent = misplaced.Where(m => m.In is null).Select(m => m.Metric).ToList();
                if (absent.Count > 0)
                {
                    Add(DoctorFinding.Warn("metrics", ns, $"{absent.Count} of {group.Count()} expected metrics not listed (no data in the last two weeks): {Names(absent.Select(a => a.Metric.Dimensions.Count == 0 ? a.Metric.MetricName : Name(a.Metric)[(ns.Length + 1)..]))}", "start the part of the system that publishes them (ADCE, the scrapers, nbaobs publish …), or ignore this if that part does not run here"));
                    problems += absent.Count;
                }
            }

            if (problems == 0)
            {
                Add(DoctorFinding.Ok("metrics", ns, $"all {group.Count()} expected metrics listed"));
            }
        }
    }

    private async Task CheckFreshnessAsync(IReadOnlyList<ExpectedMetric> expected, Dictionary<string, List<MetricIdentity>> listed, CancellationToken cancellationToken)
    {
        var keys = listed.Values.SelectMany(l => l).Select(ExpectedMetric.Key).ToHashSet(StringComparer.Ordinal);
        var checkable = expected.Where(e => keys.Contains(ExpectedMetric.Key(e.Metric))).ToList();
        if (checkable.Count == 0)
        {
            Add(DoctorFinding.Warn("freshness", "expected metrics", "none of the expected metrics is listed, so none has data to check", "see the metrics check above"));
            return;
        }

        var data = await QueryByPeriodAsync(checkable.Select((e, i) => (Query($"f{i}", e.Metric, e.Period, "SampleCount"), e.Period)), inputs.Since, cancellationToken).ConfigureAwait(false);
        var rows = checkable.Select((e, i) => (Metric: e, Newest: data.TryGetValue($"f{i}", out var points) && points.Count > 0 ? points.Max(p => p.Timestamp) : (DateTimeOffset?)null)).ToList();
        foreach (var group in rows.GroupBy(r => r.Metric.Metric.Namespace, StringComparer.Ordinal))
        {
            var none = group.Where(r => r.Newest is null).ToList();
            var stale = group.Where(r => r.Newest is { } t && _now - t > TimeSpan.FromSeconds(2 * r.Metric.Period)).ToList();
            if (none.Count > 0)
            {
                var searched = Since(none.Select(r => Clamp(inputs.Since, r.Metric.Period)).Min());
                Add(DoctorFinding.Warn("freshness", group.Key, $"no datapoint in the last {searched}: {Names(none.Select(r => Short(r.Metric.Metric)))}", "check that the publisher runs and that its datapoints are not stamped more than two weeks back; widen --since if it publishes rarely"));
            }

            foreach (var row in stale)
            {
                var age = _now - row.Newest!.Value;
                Add(DoctorFinding.Warn("freshness", Name(row.Metric.Metric), $"the latest {row.Metric.Period} s period with data began {Ago(age)} ({Time(row.Newest.Value)}): more than two periods ago", row.Metric.Metric.Namespace == NbaMetricNames.Costs ? "cost figures follow Cost Explorer, which lags up to 24 h (see the cost-data check)" : "check that the publisher still runs; its last datapoints may wait in a spool (see the delivery check)"));
            }

            var fresh = group.Count() - none.Count - stale.Count;
            if (fresh > 0 && none.Count == 0 && stale.Count == 0)
            {
                var newest = group.Max(r => r.Newest!.Value);
                Add(DoctorFinding.Ok("freshness", group.Key, $"all {fresh} listed metrics have data newer than two of their periods (the latest period with data began {Ago(_now - newest)})"));
            }
        }
    }

    /// <summary>ListMetrics of one namespace (or of the account when null), each metric once, at most <see cref="MaxListMetricsPages"/> pages.</summary>
    private async Task<List<MetricIdentity>> ListAsync(string? ns, CancellationToken cancellationToken)
    {
        var metrics = new List<MetricIdentity>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 0; page < MaxListMetricsPages; page++)
        {
            var response = await inputs.CloudWatch.ListMetricsAsync(new ListMetricsRequest { Namespace = ns, NextToken = token }, cancellationToken).ConfigureAwait(false);
            metrics.AddRange(response.Metrics.Where(m => seen.Add(ExpectedMetric.Key(m))));
            token = response.NextToken;
            if (string.IsNullOrEmpty(token) || !tokens.Add(token))
            {
                break;
            }
        }

        return metrics;
    }

    private static string Short(MetricIdentity m) => Name(m)[(m.Namespace.Length + 1)..];

    private static string Dimensions(IReadOnlyList<MetricDimension> dimensions)
        => dimensions.Count == 0 ? "no dimensions" : string.Join(",", dimensions.Select(d => $"{d.Name}={d.Value}"));

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count <= MaxNamesShown ? string.Join(", ", list) : $"{string.Join(", ", list.Take(MaxNamesShown))} and {list.Count - MaxNamesShown} more";
    }
}
