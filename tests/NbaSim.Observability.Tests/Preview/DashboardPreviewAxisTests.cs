using System.Globalization;
using System.Text.RegularExpressions;
using NbaSim.Observability.Tests.MonitoringAsCode;

namespace NbaSim.Observability.Tests.Preview;

/// <summary>The preview's axes: the unit of what is plotted, round ticks, distinct time labels.</summary>
public sealed partial class DashboardPreviewAxisTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_chart_axis_shows_the_unit_of_what_it_plots()
    {
        var html = Render(Record("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds, 0.37, 3, ("Status", "failure")),
            Record("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds, 0.25, 7, ("Status", "success")),
            Record("NBA-Simulator/ADCE", "ADCEQueueDepth", MetricUnit.Count, 12, 1));

        AxisUnit(html, "Operation Failures").Should().Be("Count", "a SampleCount of failed calls is a count, not seconds");
        AxisUnit(html, "ADCE Queue Depth").Should().Be("Count");
        AxisUnit(html, "Operation Performance (p50 / p95 / p99)").Should().Be("Seconds");
    }

    [Fact]
    public void Tick_values_are_round_and_a_single_point_still_gets_distinct_time_labels()
    {
        var html = Render(Record("NBA-Simulator/ADCE", "ADCEQueueDepth", MetricUnit.Count, 137, 1));
        var widget = Widget(html, "ADCE Queue Depth");

        var ticks = TickLabels().Matches(widget).Select(m => double.Parse(m.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture)).ToList();
        ticks.Should().HaveCountGreaterThan(2);
        var step = ticks[1] - ticks[0];
        var mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step)));
        mantissa.Should().BeOneOf([1, 2, 5], "ticks step by 1, 2 or 5 × 10ⁿ");
        ticks.Should().OnlyContain(t => Math.Abs((t / step) - Math.Round(t / step)) < 1e-9, "every tick is a multiple of the step");

        var times = TimeLabels().Matches(widget).Select(m => m.Groups[1].Value).ToList();
        times.Should().HaveCount(5).And.OnlyHaveUniqueItems();
    }

    [Theory]
    [InlineData(-1e17)]
    [InlineData(1e17)]
    [InlineData(9007199254740993)] // 2^53 + 1
    [InlineData(1.7e308)]
    [InlineData(-1.7e308)]
    [InlineData(double.MaxValue)]
    [InlineData(5e-324)]
    public async Task The_preview_renders_any_finite_value_with_bounded_ticks(double value)
    {
        // Found by an attacker: beyond ±2^53 the tick loop stopped advancing (12 GB after 21 s). The 60-s deadline only
        // turns such a hang into a failure.
        var html = await Task.Run(() => Render(Record("NBA-Simulator/ADCE", "ADCEQueueDepth", MetricUnit.Count, value, 1)), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var widget = Widget(html, "ADCE Queue Depth");

        TickLabels().Count(widget).Should().BeInRange(2, 50);
        widget.Should().NotContain("NaN").And.NotContain("Infinity").And.NotContain("∞");
    }

    [Fact]
    public void Ticks_terminate_and_are_ordered_for_extreme_axes()
    {
        foreach (var (lo, hi) in new[] { (-1.7e308, 1.7e308), (-double.MaxValue, double.MaxValue), (1e17, 1e17), (-1e17, -1e17), (0, 5e-324), (double.MaxValue, double.MaxValue) })
        {
            var (min, max) = (lo, hi);
            var ticks = DashboardPreview.Ticks(ref min, ref max, fixedMin: false, fixedMax: false);
            ticks.Should().NotBeEmpty().And.HaveCountLessThanOrEqualTo(50).And.BeInAscendingOrder().And.OnlyContain(t => double.IsFinite(t));
            (max > min).Should().BeTrue("[{0}, {1}] gives an axis of some width", lo, hi);
        }
    }

    [Fact]
    public void NiceStep_is_the_smallest_1_2_5_step_at_least_the_rough_one()
    {
        DashboardPreview.NiceStep(0.3).Should().Be(0.5);
        DashboardPreview.NiceStep(1.2).Should().Be(2);
        DashboardPreview.NiceStep(27).Should().Be(50);
        DashboardPreview.NiceStep(100).Should().Be(100);
    }

    private static EmfRecord Record(string ns, string metric, MetricUnit unit, double value, double count, params (string Name, string Value)[] dimensions)
        => new(ns, metric, unit, dimensions.Select(d => new MetricDimension(d.Name, d.Value)).ToList(), At, 60, [value], [count], new StatisticSet(count, value * count, value, value));

    private static string Render(params EmfRecord[] records)
        => DashboardPreview.Render(NbaMonitoring.Dashboards(DefinitionsTests.Context), records, "test");

    private static string Widget(string html, string title)
    {
        var start = html.IndexOf($"<h3>{title}</h3>", StringComparison.Ordinal);
        start.Should().BePositive($"the page has a widget '{title}'");
        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    private static string AxisUnit(string html, string title) => AxisUnitText().Match(Widget(html, title)).Groups[1].Value;

    [GeneratedRegex("class=\"axis-unit\"[^>]*>([^<]*)<")]
    private static partial Regex AxisUnitText();

    [GeneratedRegex("text-anchor=\"end\">([0-9.,E+-]+)</text>")]
    private static partial Regex TickLabels();

    [GeneratedRegex(">([0-9]{2}:[0-9]{2}:[0-9]{2})</text>")]
    private static partial Regex TimeLabels();
}
