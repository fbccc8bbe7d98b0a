using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace NbaSim.Observability.Tests.Recording;

public class CardinalityTests
{
    [Fact]
    public void Past_the_limit_new_series_share_one_overflow_series_and_warn_once()
    {
        var logger = new FakeLogger<MetricRegistry>();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var registry = new MetricRegistry(new NbaObservabilityOptions { MaxSeriesPerNamespace = 3 }, time, logger);

        var handles = Enumerable.Range(0, 10)
            .Select(i => registry.Counter("NBA-Simulator/DataCollection", "S3UploadFailures", MetricUnit.Count, new MetricDimension("Bucket", $"b{i}")))
            .ToList();
        foreach (var h in handles)
        {
            h.Increment();
        }

        handles.Take(3).Should().OnlyContain(h => !h.IsOverflow);
        handles.Skip(3).Should().OnlyContain(h => h.IsOverflow && ReferenceEquals(h, handles[3]));
        handles[3].Dimensions.Should().Equal(new MetricDimension(MetricRegistry.OverflowDimensionName, "true"));

        var diagnostics = registry.GetDiagnostics();
        diagnostics.LiveSeries.Should().Be(4);
        diagnostics.SeriesPerNamespace["NBA-Simulator/DataCollection"].Should().Be(4, "the overflow series counts toward the namespace's series");
        diagnostics.SeriesOverflowed.Should().Be(7);
        logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Should().ContainSingle()
            .Which.Message.Should().Contain("NBA-Simulator/DataCollection").And.Contain("limit of 3");

        // Another namespace has its own budget.
        registry.Counter("NBA-Simulator/ADCE", "ADCETasksFailed").IsOverflow.Should().BeFalse();

        time.Advance(TimeSpan.FromMinutes(1));
        var output = new List<MetricDatum>();
        registry.Collect(time.GetUtcNow(), false, output);
        output.Single(d => d.Dimensions.Contains(new MetricDimension("Overflow", "true"))).StatisticValues!.Value.Sum.Should().Be(7);
        output.Sum(d => d.StatisticValues!.Value.Sum).Should().Be(10, "no sample is lost to the limit");
    }

    [Fact]
    public void New_metric_names_past_the_limit_are_refused_into_one_counted_series_whatever_the_names()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var registry = new MetricRegistry(new NbaObservabilityOptions { MaxSeriesPerNamespace = 5 }, time);
        const string ns = "NBA-Simulator/Scrapers";

        // A bug (or an attacker) puts an id in the metric name: 10,000 distinct names.
        for (var i = 0; i < 10_000; i++)
        {
            registry.Counter(ns, $"Game{i}Scraped").Increment();
            registry.Distribution(ns, $"Game{i}Duration", MetricUnit.Seconds).Record(1.5);
        }

        var diagnostics = registry.GetDiagnostics();
        diagnostics.LiveSeries.Should().BeLessThanOrEqualTo(5 + 1, "the limit plus the one CardinalityOverflow counter, however many names");
        time.Advance(TimeSpan.FromMinutes(1));
        var output = new List<MetricDatum>();
        registry.Collect(time.GetUtcNow(), false, output);
        output.Select(d => d.MetricName).Distinct().Count().Should().BeLessThanOrEqualTo(6);
        var refused = output.Single(d => d.MetricName == MetricRegistry.CardinalityOverflowMetricName);
        refused.Dimensions.Should().Equal(new MetricDimension(MetricRegistry.OverflowDimensionName, "true"));
        var admitted = output.Where(d => d.MetricName != MetricRegistry.CardinalityOverflowMetricName).Sum(d => d.StatisticValues!.Value.SampleCount);
        (admitted + refused.StatisticValues!.Value.Sum).Should().Be(20_000, "every sample is either in its series or counted as refused");
        registry.GetDiagnostics().SeriesOverflowed.Should().Be(20_000 - 5);
    }

    [Fact]
    public void A_gauge_past_the_limit_reports_no_arbitrary_last_value()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var registry = new MetricRegistry(new NbaObservabilityOptions { MaxSeriesPerNamespace = 2 }, time);
        const string ns = "NBA-Simulator/ADCE";
        for (var i = 0; i < 5; i++)
        {
            registry.Gauge(ns, "ADCEQueueDepth", MetricUnit.Count, new MetricDimension("Queue", $"q{i}")).Record(100 + i);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        var output = new List<MetricDatum>();
        registry.Collect(time.GetUtcNow(), false, output);

        output.Where(d => d.MetricName == "ADCEQueueDepth").Select(d => d.Value).Should().BeEquivalentTo(new double?[] { 100, 101 }, "only the admitted gauges publish a value");
        output.Should().NotContain(d => d.MetricName == "ADCEQueueDepth" && d.Dimensions.Any(x => x.Name == MetricRegistry.OverflowDimensionName));
        output.Single(d => d.MetricName == MetricRegistry.CardinalityOverflowMetricName).StatisticValues!.Value.Sum.Should().Be(1, "refused gauges share one handle: a period in which it was set counts once");
    }

    [Fact]
    public void Diagnostics_estimate_the_monthly_cost_from_series_and_call_rate()
    {
        var diagnostics = new ObservabilityDiagnostics { LiveSeries = 30, BatchesExported = 10, Uptime = TimeSpan.FromMinutes(10) };
        // 30 × $0.30 + (10 calls / 600 s × 2,592,000 s) / 1000 × $0.01
        diagnostics.EstimatedMonthlyCostUsd.Should().Be(9.00m + 0.432m);
    }
}
