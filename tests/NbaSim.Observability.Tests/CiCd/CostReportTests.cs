using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.CostExplorer;
using NbaSim.Observability.Cli.Cost;
using NbaSim.Observability.Tests.Aws;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.CiCd;

/// <summary><c>nbaobs cost report</c>: seeded Cost Explorer data in moto, the forecast through a loopback server, and each rule.</summary>
[Collection(nameof(CostExplorerSeedSerial))]
public sealed class CostReportTests(MotoServer moto)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [Theory]
    [InlineData("2026-11-16", true)]
    [InlineData("2026-12-02", false)]
    [InlineData("2026-10-31", true)]
    public async Task On_seeded_data_the_report_lists_the_recommendations_the_data_calls_for(string date, bool paceKnown)
    {
        var ct = TestContext.Current.CancellationToken;

        // A moto of its own: the report reads every metric of the account, and the shared server holds thousands.
        await using var own = MotoServer.Private();
        var url = await own.UrlAsync();
        var today = DateOnly.Parse(date, Inv);
        var clock = new FakeTimeProvider(new DateTimeOffset(today, new TimeOnly(0, 30), TimeSpan.Zero));
        var first = new DateOnly(today.Year, today.Month, 1);

        // Daily, as the report asks for it. S3: $1 a day last month, $3 a day this month (growth). EC2: a flat $40 billed on
        // the 1st of both months (no growth, although 40 over half a month would project to 80).
        var complete = today.Day - 1;
        var days = new List<string>();
        for (var day = first.AddMonths(-1); day < first.AddDays(complete); day = day.AddDays(1))
        {
            var s3 = day < first ? 1 : 3;
            var ec2 = day.Day == 1 ? 40 : 0;
            var (at, next) = (day.ToString("yyyy-MM-dd", Inv), day.AddDays(1).ToString("yyyy-MM-dd", Inv));
            days.Add("{\"TimePeriod\":{\"Start\":\"" + at + "\",\"End\":\"" + next + "\"},\"Total\":{},\"Estimated\":" + (day >= first ? "true" : "false") + ",\"Groups\":["
                + "{\"Keys\":[\"Amazon Simple Storage Service\"],\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"" + s3.ToString(Inv) + ".00\",\"Unit\":\"USD\"}}},"
                + "{\"Keys\":[\"Amazon Elastic Compute Cloud - Compute\"],\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"" + ec2.ToString(Inv) + ".00\",\"Unit\":\"USD\"}}}]}");
        }

        var seed = "{\"results\":[{\"ResultsByTime\":[" + string.Join(",", days) + "]}]}";
        using (var http = new HttpClient())
        {
            using var seeded = await http.PostAsync(url + "/moto-api/static/ce/cost-and-usage-results", new StringContent(seed, Encoding.UTF8, "application/json"), ct);
            seeded.EnsureSuccessStatusCode();
        }

        // One of our series at 1-second resolution: two datums within one minute.
        var ns = $"NBA-Simulator/CostReport-{Guid.NewGuid():N}"[..40];
        using (var cw = new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1" }))
        {
            var minute = clock.GetUtcNow().AddMinutes(-2);
            minute = new DateTimeOffset(minute.Year, minute.Month, minute.Day, minute.Hour, minute.Minute, 0, TimeSpan.Zero);
            await cw.PutMetricDataAsync(new PutMetricDataRequest(ns,
            [
                MetricDatum.CreateValue(ns, "ScrapeDuration", 1, MetricUnit.Seconds, minute.AddSeconds(1), storageResolution: 1, now: clock.GetUtcNow()),
                MetricDatum.CreateValue(ns, "ScrapeDuration", 2, MetricUnit.Seconds, minute.AddSeconds(2), storageResolution: 1, now: clock.GetUtcNow()),
            ]), ct);
        }

        var (code, stdout, stderr) = await RunAsync(clock, "cost", "report", "--endpoint-url", url, "--output", "json");

        code.Should().Be(0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        root.GetProperty("monthToDateUsd").GetDecimal().Should().Be((3 * complete) + (complete > 0 ? 40 : 0));
        root.GetProperty("forecastUsd").ValueKind.Should().Be(JsonValueKind.Null, "moto does not implement GetCostForecast");
        root.GetProperty("forecastUnavailableReason").GetString().Should().NotBeNullOrEmpty();
        root.GetProperty("costExplorerRequests").GetInt32().Should().BeLessThanOrEqualTo(2, "one request per Cost Explorer operation");
        var recommendations = root.GetProperty("recommendations").EnumerateArray().ToList();
        var ids = recommendations.Select(r => r.GetProperty("id").GetString()).ToList();
        ids.Should().Contain("high-resolution-series").And.NotContain("forecast-over-budget");
        recommendations.Should().Contain(r => r.GetProperty("id").GetString() == "high-resolution-series" && r.GetProperty("reason").GetString()!.Contains(ns, StringComparison.Ordinal));
        if (paceKnown)
        {
            recommendations.Single(r => r.GetProperty("id").GetString() == "service-growth").GetProperty("reason").GetString()
                .Should().StartWith(string.Create(Inv, $"Amazon Simple Storage Service cost ${3 * complete:N2} in the first {complete} days of {today:MMMM} against ${complete:N2} in the same days of last month (+200 %)"));
        }
        else
        {
            ids.Should().NotContain("service-growth", "one day of data is no pace");
            root.GetProperty("notes").EnumerateArray().Select(n => n.GetString()).Should().Contain(n => n!.StartsWith("the pace of each service is withheld until December 8", StringComparison.Ordinal));
        }

        recommendations.Should().OnlyContain(r => r.GetProperty("estimatedMonthlySavingUsd").GetDecimal() > 0);

        var (textCode, text, _) = await RunAsync(clock, "cost", "report", "--endpoint-url", url);
        textCode.Should().Be(0);
        text.Should().Contain("forecast unavailable").And.Contain("Cost Explorer requests made:");
    }

    [Fact]
    public async Task The_forecast_path_reads_Cost_Explorers_documented_response()
    {
        var ct = TestContext.Current.CancellationToken;
        var targets = new List<string>();
        await using var server = new LoopbackAwsServer((r, _) =>
        {
            lock (targets)
            {
                targets.Add(r.Target ?? string.Empty);
            }

            return Task.FromResult(r.Target!.EndsWith("GetCostForecast", StringComparison.Ordinal)
                ? new LoopbackResponse(200, """{"Total":{"Amount":"171.5","Unit":"USD"},"ForecastResultsByTime":[{"TimePeriod":{"Start":"2026-11-30","End":"2026-12-01"},"MeanValue":"171.5"}]}""")
                : new LoopbackResponse(200, """{"ResultsByTime":[],"DimensionValueAttributes":[]}"""));
        });
        using var ce = new CostExplorerClient(MotoServer.Credentials, new CostExplorerClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1" });
        using var cw = new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = await moto.UrlAsync(), AuthenticationRegion = "us-east-1" });
        var options = new NbaObservabilityOptions();
        options.Cost.MonthlyBudgetUsd = 150;

        var inputs = await CostReportCollector.CollectAsync(ce, cw, new EmptyLister(), options, [], new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero), [], ct);
        var report = CostAdvisor.Build(inputs);

        targets.Should().Equal("AWSInsightsIndexService.GetCostAndUsage", "AWSInsightsIndexService.GetCostForecast");
        report.ForecastUsd.Should().Be(171.5m);
        report.Recommendations.Should().ContainSingle(r => r.Id == "forecast-over-budget").Which.EstimatedMonthlySavingUsd.Should().Be(21.5m);
        report.RenderText().Should().Contain("forecast to month end    $    171.50");
    }

    [Fact]
    public void An_empty_account_says_so_instead_of_an_empty_heading_and_the_call_estimate_states_its_basis()
    {
        var empty = CostAdvisor.Build(new CostInputs
        {
            Today = new DateOnly(2026, 12, 2),
            BudgetUsd = 150,
            ThisMonth = new Dictionary<string, decimal>(),
            LastMonth = new Dictionary<string, decimal>(),
            MetricsPerNamespace = new Dictionary<string, int>(),
            Alarms = [],
            Dashboards = 0,
            HighResolutionPerNamespace = new Dictionary<string, int>(),
        }).RenderText();

        empty.Should().Contain("Top services: none; Cost Explorer reports no cost by service for this month or the last.")
            .And.NotContain("Top services (month to date");
        empty.Should().Contain("PutMetricData (estimate)      0 calls").And.Contain("basis: no metric of this product in CloudWatch yet, so no call");

        var busy = CostAdvisor.Build(new CostInputs
        {
            Today = new DateOnly(2026, 12, 2),
            BudgetUsd = 150,
            ThisMonth = new Dictionary<string, decimal> { ["Amazon CloudWatch"] = 1 },
            LastMonth = new Dictionary<string, decimal>(),
            MetricsPerNamespace = new Dictionary<string, int> { ["NBA-Simulator/ADCE"] = 8, ["NBA-Simulator/Performance"] = 1_200 },
            Alarms = [],
            Dashboards = 0,
            HighResolutionPerNamespace = new Dictionary<string, int> { ["NBA-Simulator/Performance"] = 3 },
        });

        // ADCE: 1 call a minute; Performance: 2 calls (1,200 series) every second.
        busy.Product.PutMetricDataCallsPerMonth.Should().Be(43_200 + (2 * 2_592_000));
        busy.RenderText().Should().Contain("basis: 2 namespace(s) listed in CloudWatch, each sending one call per 1,000 series every 60 s (43,200 periods a month), every second for the 1 with high-resolution series");
    }

    [Fact]
    public void Storage_class_stale_alarms_and_quiet_months_follow_the_rules()
    {
        var today = new DateOnly(2026, 11, 16);
        var inputs = new CostInputs
        {
            Today = today,
            BudgetUsd = 150,
            ThisMonth = new Dictionary<string, decimal> { ["Amazon Simple Storage Service"] = 5 },
            LastMonth = new Dictionary<string, decimal> { ["Amazon Simple Storage Service"] = 9.9m },
            ForecastUsd = 120,
            MetricsPerNamespace = new Dictionary<string, int> { ["NBA-Simulator/ADCE"] = 8 },
            Alarms = [("ADCE-HighFailureRate", false, "INSUFFICIENT_DATA", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)),
                      ("ADCE-QueueDepthAnomaly", true, "INSUFFICIENT_DATA", new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero)),
                      ("S3-UploadFailures", false, "INSUFFICIENT_DATA", new DateTimeOffset(2026, 11, 14, 0, 0, 0, TimeSpan.Zero)),
                      ("Data-QualityIssues", false, "OK", new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero))],
            Dashboards = 4,
            HighResolutionPerNamespace = new Dictionary<string, int>(),
            DataLake = ("nba-sim-raw-data-lake", 172_719, 121_600_000_000, 150_000, 100_000_000_000),
        };

        var report = CostAdvisor.Build(inputs);

        report.Recommendations.Select(r => r.Id).Should().BeEquivalentTo(["s3-storage-class", "alarm-insufficient-data"], "no growth (on pace for $10 vs $9.90), forecast under budget");
        var storage = report.Recommendations.Single(r => r.Id == "s3-storage-class");
        storage.EstimatedMonthlySavingUsd.Should().Be(1.90m, "100 GB × ($0.023 − $0.004)");
        storage.Reason.Should().Contain("Glacier Instant Retrieval");
        var alarms = report.Recommendations.Single(r => r.Id == "alarm-insufficient-data");
        alarms.EstimatedMonthlySavingUsd.Should().Be(0.40m, "a standard alarm ($0.10) and an anomaly alarm ($0.30) silent for over 7 days");
        alarms.Reason.Should().Contain("ADCE-HighFailureRate").And.Contain("ADCE-QueueDepthAnomaly").And.NotContain("S3-UploadFailures");
        report.Product.DashboardsUsd.Should().Be(3.00m, "the fourth dashboard costs $3");
        report.Product.MetricsUsd.Should().Be(2.40m);
    }

    [Theory]
    [InlineData(2027, 2)] // 28 days
    [InlineData(2028, 2)] // 29 days
    [InlineData(2027, 4)] // 30 days
    [InlineData(2027, 3)] // 31 days, after a 28-day month
    [InlineData(2026, 12)] // 31 days, after a 30-day month
    public void The_growth_verdict_is_sound_on_every_day_of_the_month(int year, int month)
    {
        var days = DateTime.DaysInMonth(year, month);
        var lastMonth = new DateOnly(year, month, 1).AddMonths(-1);
        var lastMonthDays = DateTime.DaysInMonth(lastMonth.Year, lastMonth.Month);
        for (var day = 1; day <= days; day++)
        {
            var today = new DateOnly(year, month, day);
            var complete = day - 1; // Cost Explorer's month to date ends yesterday

            var sameDays = Math.Min(complete, lastMonthDays);

            // Steady: each complete day costs what last month's days cost ($2 a day). Never growth.
            var steady = CostAdvisor.Build(Inputs(today, thisMonth: 2m * complete, lastMonth: 2m * lastMonthDays, sameDays: 2m * sameDays));
            steady.Recommendations.Should().NotContain(r => r.Id == "service-growth", "{0} spends at last month's daily rate", today);

            // A flat fee billed on the 1st of both months (support, a Savings Plan): never growth, however early.
            var flat = CostAdvisor.Build(Inputs(today, thisMonth: complete > 0 ? 100 : 0, lastMonth: 100, sameDays: complete > 0 ? 100 : 0));
            flat.Recommendations.Should().NotContain(r => r.Id == "service-growth", "{0}: the same $100 fee as last month", today);

            // Doubled: $4 a day against last month's $2. Growth, once a week of data stands behind it.
            var doubled = CostAdvisor.Build(Inputs(today, thisMonth: 4m * complete, lastMonth: 2m * lastMonthDays, sameDays: 2m * sameDays));
            var growth = doubled.Recommendations.Where(r => r.Id == "service-growth").ToList();
            if (complete >= CostAdvisor.MinimumDaysForPace)
            {
                growth.Should().ContainSingle("{0} holds {1} complete days at twice last month's rate", today, complete)
                    .Which.Reason.Should().Contain($"in the first {complete} days of");
                doubled.TopServices.Single().ProjectedUsd.Should().Be(4m * days, "{0}: $4 a day over {1} days", today, days);
                doubled.Notes.Should().BeEmpty();
            }
            else
            {
                growth.Should().BeEmpty("{0} holds only {1} complete day(s)", today, complete);
                doubled.TopServices.Single().ProjectedUsd.Should().BeNull();
                doubled.Notes.Should().ContainSingle().Which.Should().Contain($"holds {complete} complete day(s)");
                doubled.RenderText().Should().Contain("(too early)");
            }
        }
    }

    [Fact]
    public void One_day_of_data_on_the_2nd_is_not_growth()
    {
        // The case CI met on December 2nd: EC2's $2 for December 1st against $40 for November.
        var report = CostAdvisor.Build(Inputs(new DateOnly(2026, 12, 2), thisMonth: 2m, lastMonth: 40m, sameDays: 1m));

        report.Recommendations.Should().BeEmpty();
        report.TopServices.Single().MonthOverMonth.Should().BeNull();
    }

    private static CostInputs Inputs(DateOnly today, decimal thisMonth, decimal lastMonth, decimal sameDays) => new()
    {
        Today = today,
        BudgetUsd = 1_000,
        ThisMonth = new Dictionary<string, decimal> { ["Amazon Elastic Compute Cloud - Compute"] = thisMonth },
        LastMonth = new Dictionary<string, decimal> { ["Amazon Elastic Compute Cloud - Compute"] = lastMonth },
        LastMonthSameDays = new Dictionary<string, decimal> { ["Amazon Elastic Compute Cloud - Compute"] = sameDays },
        MetricsPerNamespace = new Dictionary<string, int>(),
        Alarms = [],
        Dashboards = 0,
        HighResolutionPerNamespace = new Dictionary<string, int>(),
    };

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(TimeProvider clock, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await new NbaSim.Observability.Cli.NbaObsCommand(stdout, stderr) { Clock = clock }.RunAsync(args);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private sealed class EmptyLister : IS3ObjectLister
    {
        public async IAsyncEnumerable<IReadOnlyList<S3ObjectEntry>> ListPagesAsync(string bucket, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            yield break;
        }
    }
}
