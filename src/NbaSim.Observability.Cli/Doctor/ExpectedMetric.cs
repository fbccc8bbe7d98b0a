namespace NbaSim.Observability.Cli.Doctor;

/// <summary>A metric the shipped dashboards or alarms read, with the shortest period any of them reads it at.</summary>
internal sealed record ExpectedMetric(MetricIdentity Metric, int Period, IReadOnlyList<string> UsedBy)
{
    /// <summary>Every metric <paramref name="definitions"/> read, each once (same namespace, name and dimensions).</summary>
    public static IReadOnlyList<ExpectedMetric> From(MonitoringDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var uses = new List<(MetricIdentity Metric, int Period, string By)>();
        foreach (var dashboard in definitions.Dashboards)
        {
            foreach (var widget in dashboard.Widgets.OfType<MetricWidget>())
            {
                foreach (var line in widget.Lines.Where(l => l is { Namespace: not null, MetricName: not null }))
                {
                    uses.Add((new MetricIdentity { Namespace = line.Namespace!, MetricName = line.MetricName!, Dimensions = line.Dimensions }, widget.Period, $"dashboard {dashboard.Name}"));
                }
            }
        }

        foreach (var alarm in definitions.Alarms)
        {
            if (alarm is { Namespace: not null, MetricName: not null })
            {
                uses.Add((new MetricIdentity { Namespace = alarm.Namespace, MetricName = alarm.MetricName, Dimensions = alarm.Dimensions }, alarm.Period ?? 300, $"alarm {alarm.AlarmName}"));
            }

            foreach (var stat in alarm.Metrics.Select(q => q.MetricStat).OfType<MetricStat>())
            {
                uses.Add((stat.Metric, stat.Period, $"alarm {alarm.AlarmName}"));
            }
        }

        return uses
            .GroupBy(u => Key(u.Metric), StringComparer.Ordinal)
            .Select(g => new ExpectedMetric(g.First().Metric, g.Min(u => u.Period), g.Select(u => u.By).Distinct(StringComparer.Ordinal).ToList()))
            .ToList();
    }

    /// <summary>Namespace, name and sorted dimensions as one string: CloudWatch's identity of a metric.</summary>
    public static string Key(MetricIdentity metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return string.Join('\u001f', [metric.Namespace, metric.MetricName, .. metric.Dimensions.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => d.Name + "=" + d.Value)]);
    }
}
