namespace NbaSim.Observability.Cli.Doctor;

/// <content>Dashboards: every widget's metric queries over the widget's own period.</content>
internal sealed partial class AccountDoctor
{
    private async Task CheckDashboardsAsync(MonitoringDefinitions definitions, CancellationToken cancellationToken)
    {
        var lines = new List<(string Dashboard, MetricWidget Widget, MetricLine Line, MetricDataQuery Query)>();
        foreach (var dashboard in definitions.Dashboards)
        {
            foreach (var widget in dashboard.Widgets.OfType<MetricWidget>())
            {
                foreach (var line in widget.Lines.Where(l => l is { Namespace: not null, MetricName: not null }))
                {
                    var metric = new MetricIdentity { Namespace = line.Namespace!, MetricName = line.MetricName!, Dimensions = line.Dimensions };
                    lines.Add((dashboard.Name, widget, line, Query($"d{lines.Count}", metric, widget.Period, line.Stat ?? widget.Stat)));
                }
            }
        }

        // One window for all: --since, or a widget's period when longer (a daily cost graph shows at least one day).
        var longest = lines.Count == 0 ? 0 : lines.Max(l => l.Widget.Period);
        var window = TimeSpan.FromSeconds(Math.Max(inputs.Since.TotalSeconds, longest));
        var data = await QueryByPeriodAsync(lines.Select(l => (l.Query, l.Widget.Period)), window, cancellationToken).ConfigureAwait(false);
        foreach (var dashboard in lines.GroupBy(l => l.Dashboard, StringComparer.Ordinal))
        {
            var empty = 0;
            foreach (var widget in dashboard.GroupBy(l => l.Widget))
            {
                var blank = widget.Where(l => !data.TryGetValue(l.Query.Id, out var points) || points.Count == 0).ToList();
                if (blank.Count == 0)
                {
                    continue;
                }

                empty++;
                var series = blank.Select(l => l.Line.Label ?? Short(l.Query.MetricStat!.Metric));
                var all = blank.Count == widget.Count() ? "shows no data" : $"{blank.Count} of {widget.Count()} series empty";
                Add(DoctorFinding.Warn("dashboard", $"{dashboard.Key} › {widget.Key.Title}", $"{all} over the last {Since(Clamp(window, widget.Key.Period))} at {widget.Key.Period} s: {Names(series)}", "see the metrics check for names and dimensions; a series that publishes rarely needs a wider time range on the dashboard"));
            }

            var widgets = dashboard.Select(l => l.Widget).Distinct().Count();
            if (empty == 0)
            {
                Add(DoctorFinding.Ok("dashboard", dashboard.Key, $"all {widgets} metric widgets ({dashboard.Count()} series) return data over the last {Since(window)}"));
            }
        }
    }
}
