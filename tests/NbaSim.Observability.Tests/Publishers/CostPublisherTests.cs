using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Aws.CostExplorer;
using NbaSim.Observability.Publishers;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Publishers;

/// <summary>The cost publisher against a loopback Cost Explorer that records what it is asked.</summary>
public class CostPublisherTests
{
    [Theory]
    [InlineData("2026-11-01T00:30:00Z", "2026-11-01", "2026-11-02")] // first day: a valid one-day period
    [InlineData("2026-11-15T12:00:00Z", "2026-11-01", "2026-11-16")]
    [InlineData("2026-11-30T23:59:00Z", "2026-11-01", "2026-12-01")] // last day: End is the next month's first
    [InlineData("2026-12-31T23:00:00Z", "2026-12-01", "2027-01-01")] // year end
    [InlineData("2028-02-29T10:00:00Z", "2028-02-01", "2028-03-01")] // leap day
    public async Task The_period_is_month_to_date_including_today_with_start_before_end(string now, string start, string end)
    {
        await using var server = CostServer(out var requests, amount: "41.25");
        var (publisher, pipeline, _) = Create(server, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        var snapshot = await publisher.PublishAsync(TestContext.Current.CancellationToken);

        var period = requests.Single().RootElement.GetProperty("TimePeriod");
        period.GetProperty("Start").GetString().Should().Be(start);
        period.GetProperty("End").GetString().Should().Be(end);
        string.CompareOrdinal(start, end).Should().BeNegative();
        snapshot.MonthToDateUsd.Should().Be(41.25m);
        snapshot.BudgetUtilizationPercent.Should().Be(27.5m);
        await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        pipeline.Exporter.Datums.Single(d => d.MetricName == "MonthlyAWSCost").Should().Match<MetricDatum>(d => d.Value == 41.25 && d.Unit == MetricUnit.None && d.Namespace == "NBA-Simulator/Costs");
        pipeline.Exporter.Datums.Single(d => d.MetricName == "BudgetUtilization").Should().Match<MetricDatum>(d => d.Value == 27.5 && d.Unit == MetricUnit.Percent);
    }

    [Fact]
    public async Task Results_are_cached_and_Cost_Explorer_is_called_no_more_often_than_the_refresh_interval()
    {
        await using var server = CostServer(out var requests, amount: "10");
        var (publisher, pipeline, time) = Create(server, new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero));

        await publisher.PublishAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(5));
        var cached = await publisher.PublishAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(1));
        var fresh = await publisher.PublishAsync(TestContext.Current.CancellationToken);

        requests.Should().HaveCount(2);
        cached.FromCache.Should().BeTrue();
        fresh.FromCache.Should().BeFalse();
        await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        pipeline.Exporter.Datums.Count(d => d.MetricName == "MonthlyAWSCost").Should().Be(3, "cached figures are still published each run");
    }

    [Fact]
    public async Task A_new_month_is_fetched_even_within_the_refresh_interval()
    {
        await using var server = CostServer(out var requests, amount: "10");
        var (publisher, _, time) = Create(server, new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero));

        await publisher.PublishAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(2));
        await publisher.PublishAsync(TestContext.Current.CancellationToken);

        requests.Should().HaveCount(2);
        requests[1].RootElement.GetProperty("TimePeriod").GetProperty("Start").GetString().Should().Be("2026-12-01");
    }

    [Fact]
    public async Task Service_breakdown_and_forecast_are_published_when_asked()
    {
        await using var server = CostServer(out var requests, amount: "30", services: [("Amazon Simple Storage Service", "2.71"), ("AWS Lambda", "0.29")], forecast: "60");
        var (publisher, pipeline, _) = Create(server, new DateTimeOffset(2026, 11, 15, 0, 0, 0, TimeSpan.Zero), o =>
        {
            o.IncludeServiceBreakdown = true;
            o.IncludeForecast = true;
        });

        var snapshot = await publisher.PublishAsync(TestContext.Current.CancellationToken);

        snapshot.ByService.Should().BeEquivalentTo(new Dictionary<string, decimal> { ["Amazon Simple Storage Service"] = 2.71m, ["AWS Lambda"] = 0.29m });
        snapshot.ForecastUsd.Should().Be(90m);
        var forecastPeriod = requests.Single(r => r.RootElement.TryGetProperty("Metric", out _)).RootElement.GetProperty("TimePeriod");
        forecastPeriod.GetProperty("Start").GetString().Should().Be("2026-11-16");
        forecastPeriod.GetProperty("End").GetString().Should().Be("2026-12-01");
        await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        pipeline.Exporter.Datums.Should().Contain(d => d.MetricName == "MonthlyAWSCost" && d.Dimensions.Contains(new MetricDimension("Service", "AWS Lambda")) && d.Value == 0.29);
        pipeline.Exporter.Datums.Should().Contain(d => d.MetricName == "ForecastMonthlyAWSCost" && d.Value == 90);
    }

    internal static LoopbackAwsServer CostServer(out List<JsonDocument> requests, string amount, (string Service, string Amount)[]? services = null, string? forecast = null)
    {
        var seen = new List<JsonDocument>();
        requests = seen;
        return new LoopbackAwsServer((r, attempt) =>
        {
            var body = JsonDocument.Parse(r.Body);
            lock (seen)
            {
                seen.Add(body);
            }

            object answer;
            if (r.Target == "AWSInsightsIndexService.GetCostForecast")
            {
                answer = new { Total = new { Amount = forecast, Unit = "USD" } };
            }
            else if (body.RootElement.TryGetProperty("GroupBy", out _))
            {
                var groups = (services ?? []).Select(s => new { Keys = new[] { s.Service }, Metrics = new { UnblendedCost = new { s.Amount, Unit = "USD" } } });
                answer = new { ResultsByTime = new[] { new { TimePeriod = new { Start = "2026-11-01", End = "2026-11-02" }, Total = new { }, Groups = groups, Estimated = true } } };
            }
            else
            {
                answer = new { ResultsByTime = new[] { new { TimePeriod = new { Start = "2026-11-01", End = "2026-11-02" }, Total = new { UnblendedCost = new { Amount = amount, Unit = "USD" } }, Groups = Array.Empty<object>(), Estimated = true } } };
            }

            return Task.FromResult(new LoopbackResponse(200, JsonSerializer.Serialize(answer)));
        });
    }

    private static (CostPublisher Publisher, Infrastructure.Pipeline Pipeline, FakeTimeProvider Time) Create(LoopbackAwsServer server, DateTimeOffset now, Action<CostPublisherOptions>? configure = null)
    {
        var pipeline = new Infrastructure.Pipeline(start: now);
        var options = new CostPublisherOptions();
        configure?.Invoke(options);
        var client = new CostExplorerClient(new Amazon.Runtime.BasicAWSCredentials("a", "b"), new CostExplorerClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1" });
        return (new CostPublisher(pipeline.Registry, new NbaSim.Observability.Publishers.CostExplorerCostSource(client), Options.Create(options), pipeline.Time), pipeline, pipeline.Time);
    }
}
