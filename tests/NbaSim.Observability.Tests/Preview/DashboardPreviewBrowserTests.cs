using System.Diagnostics;
using System.Text.RegularExpressions;
using NbaSim.Observability.Publishers;
using NbaSim.Observability.Tests.MonitoringAsCode;

namespace NbaSim.Observability.Tests.Preview;

/// <summary>
/// Records every metric the dashboards show through the real pipeline into EMF, renders the preview with
/// <c>nbaobs dashboards preview</c>, and opens it in headless Chromium: a screenshot is taken and every metric widget
/// must have drawn a chart with data (counted by the page's script in the browser).
/// </summary>
public sealed partial class DashboardPreviewBrowserTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("preview-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Every_widget_of_the_preview_draws_a_chart_with_data_in_headless_chromium()
    {
        var emf = Path.Combine(_dir.FullName, "metrics.emf");
        await RecordEveryDashboardMetricAsync(emf);
        var html = Path.Combine(_dir.FullName, "dashboard.html");

        var (code, _, stderr) = await CliTests.RunAsync("dashboards", "preview", "--emf", emf, "--out", html);
        code.Should().Be(0, stderr);
        var page = await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken);
        page.Should().NotContain("http://").And.NotContain("https://", "the page must open with no network");
        page.Should().Contain("Budget Limit").And.Contain("ADCE-HighFailureRate (95 %)").And.Contain("time (UTC)");

        var screenshot = Path.Combine(_dir.FullName, "dashboard.png");
        (await ChromiumAsync($"--screenshot={screenshot} --window-size=1200,3000 file://{html}")).ExitCode.Should().Be(0);
        new FileInfo(screenshot).Length.Should().BeGreaterThan(50_000, "a rendered page, not a blank one");

        var (exit, dom) = await ChromiumAsync($"--dump-dom --virtual-time-budget=2000 file://{html}");
        exit.Should().Be(0);
        var metricWidgets = int.Parse(MetricWidgets().Match(dom).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var withData = int.Parse(WidgetsWithData().Match(dom).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        metricWidgets.Should().Be(NbaMonitoring.Dashboards(DefinitionsTests.Context).Sum(d => d.Widgets.OfType<MetricWidget>().Count()));
        withData.Should().Be(metricWidgets, "every chart must show recorded data");

        // Readability, measured by the browser on the rendered page.
        Attribute(dom, "text-overlaps").Should().Be("0", "no label runs into another (e.g. the 'Count' title into the 100k tick): " + Attribute(dom, "overlapping"));
        Attribute(dom, "right-axes").Should().Be("2", "S3 Bucket Growth (Gigabytes) and DIMS (Drift detected) draw a right axis with its own ticks");
        Attribute(dom, "log-axes").Should().Be("1", "Operation Performance: a 0.45 s warm-up beside 3 µs validations");
    }

    [Fact]
    public async Task The_OTel_dashboards_preview_draws_every_PromQL_chart_with_data_and_its_thresholds()
    {
        var emf = Path.Combine(_dir.FullName, "metrics.emf");
        await RecordEveryDashboardMetricAsync(emf);
        var html = Path.Combine(_dir.FullName, "otel.html");

        var (code, _, stderr) = await CliTests.RunAsync("dashboards", "preview", "--emf", emf, "--out", html, "--path", "otel");
        code.Should().Be(0, stderr);
        var page = await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken);
        page.Should().Contain("NBA-Simulator-Performance-PromQL").And.NotContain("<h2>NBA-Simulator-Performance</h2>");
        Regex.Count(page, "data-language=\"PromQL\"").Should().Be(NbaMonitoring.PromQLDashboards(DefinitionsTests.Context).Sum(d => d.Widgets.OfType<PromQLWidget>().Count()));
        Widget(page, "AWS Costs vs Budget").Should().Contain("Budget Limit");
        Widget(page, "S3 Upload Failures").Should().Contain("S3-UploadFailures (&gt; 5)");

        var (exit, dom) = await ChromiumAsync($"--dump-dom --virtual-time-budget=2000 file://{html}");
        exit.Should().Be(0);
        var charts = int.Parse(MetricWidgets().Match(dom).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var withData = int.Parse(WidgetsWithData().Match(dom).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        charts.Should().Be(NbaMonitoring.PromQLDashboards(DefinitionsTests.Context).Sum(d => d.Widgets.OfType<PromQLWidget>().Count()));
        withData.Should().Be(charts, "every PromQL chart must show recorded data");
        Attribute(dom, "text-overlaps").Should().Be("0", Attribute(dom, "overlapping"));
    }

    [Fact]
    public async Task The_preview_labels_axes_with_units_and_spans_a_short_run_not_a_minute()
    {
        var emf = Path.Combine(_dir.FullName, "metrics.emf");
        await RecordEveryDashboardMetricAsync(emf);
        var html = Path.Combine(_dir.FullName, "dashboard.html");
        (await CliTests.RunAsync("dashboards", "preview", "--emf", emf, "--out", html)).Code.Should().Be(0);
        var page = await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken);

        Widget(page, "AWS Costs vs Budget").Should().Contain(">USD</text>").And.NotContain(">None</text>");
        Widget(page, "S3 Bucket Growth").Should().Contain("class=\"axis-unit right-unit\"").And.Contain(">Gigabytes</text>");
        Widget(page, "Operation Performance (p50 / p95 / p99)").Should().Contain(">Seconds (log scale)</text>");
        page.Should().NotContain(">100,000<", "large ticks are compact: 100k");

        // The run spans 10 s: the time axis spans it with a margin, not the minute it used to.
        var times = TimeLabel().Matches(Widget(page, "Operation Performance (p50 / p95 / p99)")).Select(m => TimeSpan.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        times.Should().HaveCount(5);
        var span = times[^1] - times[0];
        span = span < TimeSpan.Zero ? span + TimeSpan.FromDays(1) : span; // a run that crosses midnight UTC
        span.Should().BeLessThan(TimeSpan.FromSeconds(20)).And.BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(9));
    }

    private static string Widget(string page, string title)
    {
        var start = page.IndexOf($"<h3>{System.Net.WebUtility.HtmlEncode(title)}</h3>", StringComparison.Ordinal);
        start.Should().BePositive(title);
        return page[start..page.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    private static string Attribute(string dom, string name)
        => Regex.Match(dom, $"data-{name}=\"([^\"]*)\"").Groups[1].Value;

    private static async Task RecordEveryDashboardMetricAsync(string emf)
    {
        var options = new NbaObservabilityOptions { HighResolutionByDefault = true, ObservableGaugeTimeout = TimeSpan.FromSeconds(30) };
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var registry = new MetricRegistry(options, time);
        await using var exporter = new EmfExporter(new EmfExporterOptions { Path = emf });
        await using var sink = new BufferedMetricSink(registry, exporter, options);
        using var adce = new AdceHealthMetrics(registry);
        var uploads = new S3UploadMetrics(registry);
        var quality = new DataQualityMetrics(registry);
        using var depth = adce.ObserveQueueDepth(() => 12);
        // Validation takes microseconds, the others milliseconds, and one extraction is a 0.45 s warm-up.
        var durations = new[] { "DataExtraction", "S3Upload", "Validation" }
            .SelectMany(op => new[] { "success", "failure" }.Select(status => registry.Distribution("NBA-Simulator/Performance", op + "Duration", MetricUnit.Seconds, default, new MetricDimension("Status", status))))
            .ToList();
        var random = new Random(3);
        for (var second = 0; second < 10; second++)
        {
            for (var i = 0; i < 200; i++)
            {
                var series = durations[i % durations.Count];
                series.Record(i % durations.Count is 4 or 5 ? 3e-6 + (random.NextDouble() * 2e-6) : second == 0 && i == 0 ? 0.45 : 0.001 + (random.NextDouble() * 0.05));
                if (i % 10 == 0)
                {
                    adce.TaskCompleted();
                    uploads.Succeeded();
                }
            }

            adce.TaskFailed();
            uploads.Failed();
            quality.Report(97, 100);
            time.Advance(TimeSpan.FromSeconds(1));
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        }

        var now = time.GetUtcNow();
        MetricDimension[] bucket = [new("Bucket", "nba-sim-raw-data-lake")];
        registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/DataCollection", "S3ObjectCount", 172_719, MetricUnit.Count, now, bucket, now: now));
        registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/DataCollection", "S3TotalSizeGB", 118.3, MetricUnit.Gigabytes, now, bucket, now: now));
        registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/Costs", "MonthlyAWSCost", 41.2, MetricUnit.None, now, now: now));
        registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/Costs", "BudgetUtilization", 27.5, MetricUnit.Percent, now, now: now));
        registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/DIMS", "DIMS_S3Objects", 172_700, MetricUnit.Count, now, [new("Source", "DIMS")], now: now));
        registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/DIMS", "DIMS_DriftDetected", 1, MetricUnit.Count, now, now: now));
        MetricDimension[] suite = [new("Suite", "pytest")];
        foreach (var (metric, value, unit) in new[] { ("TestsPassed", 311d, MetricUnit.Count), ("TestsFailed", 2d, MetricUnit.Count), ("TestsSkipped", 4d, MetricUnit.Count), ("TestPassRate", 99.4, MetricUnit.Percent) })
        {
            registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/CICD", metric, value, unit, now, suite, now: now));
        }

        registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/CICD", "PipelineDuration", 412, MetricUnit.Seconds, now, [new("Pipeline", "ci"), new("Status", "success")], now: now));
        var testTimes = registry.Distribution("NBA-Simulator/CICD", "TestDuration", MetricUnit.Seconds, default, suite);
        for (var i = 0; i < 300; i++)
        {
            testTimes.Record(0.01 + (random.NextDouble() * 2));
        }

        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
    }

    private async Task<(int ExitCode, string Output)> ChromiumAsync(string arguments)
    {
        Infrastructure.RequiredTool.Require("chromium", "Debian's chromium (apt-get install chromium)");
        var start = new ProcessStartInfo("chromium", $"--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir={Path.Combine(_dir.FullName, "profile")} {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start (install Debian's chromium package)");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        await stderr;
        return (process.ExitCode, await stdout);
    }

    [GeneratedRegex("class=\"time\"[^>]*>(\\d\\d:\\d\\d:\\d\\d)<")]
    private static partial Regex TimeLabel();

    [GeneratedRegex("data-metric-widgets=\"(\\d+)\"")]
    private static partial Regex MetricWidgets();

    [GeneratedRegex("data-widgets-with-data=\"(\\d+)\"")]
    private static partial Regex WidgetsWithData();
}
