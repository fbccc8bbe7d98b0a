using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NbaSim.Observability.Tests.MonitoringAsCode;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>
/// Red team, issue 23, third round (PromQL dashboards on the OTel path, d214727..7849d79). Each test asserts the
/// correct behaviour and fails on the code under attack because of the defect it names.
/// </summary>
public sealed partial class RedTeam23cAttackTests
{
    private static readonly MonitoringContext Context = new("us-east-1", "123456789012", "nba-simulator-alerts", 150m, ["DataExtraction", "S3Upload", "Validation"], "nba-sim-raw-data-lake");

    // ---------------------------------------------------------------------------------------------------------------
    // 1. 17 profiled operations (configuration, or an --assembly with 17 [ProfilePerformance] methods) pass the
    //    validator and work on the Classic path, but the PromQL performance widget gets 3 × 17 = 51 queries, over
    //    PromQLWidget.MaxQueries: export/plan/apply --path otel|both exit 1 with a message that names a widget, not the
    //    setting, and export has already written one of the three files.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task Seventeen_profiled_operations_export_on_the_OTel_path_or_are_refused_up_front_naming_the_setting()
    {
        var dir = Directory.CreateTempSubdirectory("rt23c-ops-");
        try
        {
            var operations = Enumerable.Range(1, 17).Select(i => $"Operation{i:00}").ToArray();
            var config = Path.Combine(dir.FullName, "nbaobs.json");
            await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { NbaObservability = new { Monitoring = new { ProfiledOperations = operations } } }), TestContext.Current.CancellationToken);
            var classicOut = Path.Combine(dir.FullName, "classic");
            var otelOut = Path.Combine(dir.FullName, "otel");

            var (classicCode, _, classicErr) = await CliTests.RunAsync("dashboards", "export", "--out", classicOut, "--config", config);
            var (code, _, stderr) = await CliTests.RunAsync("dashboards", "export", "--out", otelOut, "--path", "otel", "--config", config);

            classicCode.Should().Be(0, classicErr);
            var written = Directory.Exists(otelOut) ? Directory.GetFiles(otelOut).Select(Path.GetFileName).ToList() : [];
            var ok = code == 0 || (code == 2 && stderr.Contains("ProfiledOperations", StringComparison.Ordinal) && written.Count == 0);
            ok.Should().BeTrue($"the OTel path must render 17 operations (the Classic one does), or refuse them as bad input naming Monitoring:ProfiledOperations and writing nothing; got exit {code}, stderr '{stderr.Trim()}', files written [{string.Join(", ", written)}]");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. No profiled operations (the documented comma-separated form "," gives an empty list): the Classic dashboards
    //    render, the PromQL ones throw ("'Operation Performance (p50 / p95 / p99)' has 0 queries").
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public void PromQL_dashboards_render_without_profiled_operations_as_the_Classic_ones_do()
    {
        var none = Context with { ProfiledOperations = [] };
        foreach (var classic in NbaMonitoring.Dashboards(none))
        {
            classic.Invoking(d => d.RenderBody(false)).Should().NotThrow(classic.Name);
        }

        foreach (var promQL in NbaMonitoring.PromQLDashboards(none))
        {
            promQL.Invoking(d => d.RenderBody(false)).Should().NotThrow(promQL.Name);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. rate()/increase() need two samples of one series inside the range; the exporter sends one cumulative point per
    //    AggregationPeriod (default 60 s). ADCE-Health-PromQL's "ADCE Tasks Completed / Failed" is increase(…[1m]):
    //    one sample per window, so no line at all (Prometheus 3, whose quoted-name syntax these queries use, has
    //    left-open ranges). Every AggregationPeriod the validator accepts above 60 s (120, 300, …) empties the [5m]
    //    windows too. Rule used: range ≥ 2 × sample interval (pint's promql/rate check; Prometheus's advice is 4 ×).
    // ---------------------------------------------------------------------------------------------------------------
    [Theory]
    [InlineData(60)]
    [InlineData(300)]
    public void Every_rate_and_increase_window_spans_at_least_two_export_periods_the_validator_accepts(int periodSeconds)
    {
        var options = new NbaObservabilityOptions { AggregationPeriod = TimeSpan.FromSeconds(periodSeconds), Exporter = MetricExporterKind.Otlp };
        var accepted = new NbaObservabilityOptionsValidator().Validate(null, options);
        if (accepted.Failed)
        {
            return; // a period the validator refuses cannot reach the dashboards
        }

        // nbaobs builds the context from the same options (Session.OfflineContext).
        var context = Context with { AggregationPeriod = options.AggregationPeriod };
        var tooShort = NbaMonitoring.PromQLDashboards(context)
            .SelectMany(d => d.Widgets.OfType<PromQLWidget>().SelectMany(w => w.Lines.Select(l => (d.Name, w.Title, l.Query))))
            .Concat(NbaMonitoring.PromQLAlarms(context).Select(a => (Name: "alarms", Title: a.AlarmName, a.PromQL!.Query)))
            .SelectMany(x => RateWindow().Matches(x.Query).Select(m => (x.Name, x.Title, Window: Seconds(m.Groups[1].Value))))
            .Where(x => x.Window < 2 * periodSeconds)
            .Select(x => $"{x.Name} / {x.Title}: {x.Window} s range")
            .Distinct()
            .ToList();

        tooShort.Should().BeEmpty($"with AggregationPeriod {periodSeconds} s (accepted by the validator) a rate/increase range under {2 * periodSeconds} s holds one sample and draws nothing");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 4. Preview lie: a PromQL selector matches every series carrying its labels (extra labels included, then summed
    //    or averaged), the preview only records with exactly the listed dimensions. ValidationPassRate published for
    //    a dataset (README: quality.Report(…, "box_scores") → Dataset=box_scores) is on the PromQL chart, and the
    //    preview draws nothing. Same cause: "GameSimulation" beside "GameSimulation[Engine=v2]" counts v2 twice in
    //    PromQL while the preview shows them apart.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public void The_OTel_preview_draws_a_series_the_PromQL_selector_matches()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, 5).Select(i => new EmfRecord(NbaMetricNames.DataQuality, NbaMetricNames.ValidationPassRate, MetricUnit.Percent,
            [new MetricDimension("Dataset", "box_scores")], at.AddHours(i), 60, [98.7], [1], null)).ToList();
        var widget = NbaMonitoring.PromQLDashboards(Context).SelectMany(d => d.Widgets.OfType<PromQLWidget>()).First(w => w.Title == "Data Quality: Validation Pass Rate");
        widget.Lines.Where(l => l.Query.Contains("ValidationPassRate", StringComparison.Ordinal)).Should().OnlyContain(l => !l.Query.Contains("Dataset", StringComparison.Ordinal), "the query does not exclude a Dataset label: Prometheus selects the series");

        var html = DashboardPreview.Render([new DashboardDefinition("NBA-Simulator-DataCollection-PromQL", [widget])], records, "rt");

        var points = int.Parse(PointsOf().Match(html).Groups[1].Value, CultureInfo.InvariantCulture);
        points.Should().BeGreaterThan(0, "the PromQL chart shows the box_scores pass rate; the preview must not draw it empty");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 5. Preview lie, public API: PromQLLine.Quantile rounds the statistic the preview draws to 2 decimals of a percent
    //    ("0.##"), so Quantile(0.99999) is previewed as p100 (the maximum) and Quantile(0.123444) as p12.34.
    // ---------------------------------------------------------------------------------------------------------------
    [Theory]
    [InlineData(0.99999, "p99.999")]
    [InlineData(0.123444, "p12.3444")]
    public void The_preview_draws_the_quantile_the_query_asks_for(double quantile, string stat)
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var line = PromQLLine.Quantile(quantile, "RT/Ns", "Latency", TimeSpan.FromMinutes(5));
        line.Query.Should().StartWith($"histogram_quantile({quantile.ToString("R", CultureInfo.InvariantCulture)},");
        var records = new List<EmfRecord> { new("RT/Ns", "Latency", MetricUnit.Seconds, [], at, 60, [1, 2, 3], [1, 1, 1], null) };

        var html = DashboardPreview.Render([new DashboardDefinition("D", [new PromQLWidget(new(0, 0), "W", [line], "us-east-1")])], records, "rt");

        var legend = Legend().Match(html).Groups[1].Value;
        legend.Should().Be($"Latency {stat}", "the legend names the quantile the PromQL computes");
    }

    private static int Seconds(string duration)
    {
        var n = int.Parse(duration[..^1], CultureInfo.InvariantCulture);
        return duration[^1] switch { 's' => n, 'm' => n * 60, 'h' => n * 3600, _ => n * 86400 };
    }

    [GeneratedRegex(@"(?:rate|increase)\(\{[^}]*\}\[(\d+[smhd])\]\)")]
    private static partial Regex RateWindow();

    [GeneratedRegex("<div class=\"legend\"><span[^>]*>([^<]*)</span>")]
    private static partial Regex Legend();

    [GeneratedRegex("data-language=\"PromQL\" data-points=\"(\\d+)\"")]
    private static partial Regex PointsOf();
}
