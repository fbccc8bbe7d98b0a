using Google.Protobuf;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Cli.Cost;
using NbaSim.Observability.Tests.Export.Otlp;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.CiCd;

/// <summary>
/// The cost report's OTel path: bytes per point as the generated protobuf classes count them (not our writer), points
/// per month, the per-GB price, and the otel-path recommendation; the seed-equivalent set on both paths.
/// </summary>
public sealed class OtelPathCostTests(ITestOutputHelper output)
{
    private static readonly DateOnly Today = new(2026, 12, 3);

    /// <summary>The original design's series (its metrics and dimensions); Classic adds the three duration rollups.</summary>
    internal static IReadOnlyList<MetricIdentity> SeedSeries { get; } =
    [
        Id(NbaMetricNames.DataCollection, NbaMetricNames.S3ObjectCount, ("Bucket", "nba-sim-raw-data-lake")),
        Id(NbaMetricNames.DataCollection, NbaMetricNames.S3TotalSizeGB, ("Bucket", "nba-sim-raw-data-lake")),
        Id(NbaMetricNames.DataCollection, NbaMetricNames.S3UploadFailures),
        Id(NbaMetricNames.Adce, NbaMetricNames.AdceTasksCompleted),
        Id(NbaMetricNames.Adce, NbaMetricNames.AdceTasksFailed),
        Id(NbaMetricNames.Adce, NbaMetricNames.AdceQueueDepth),
        Id(NbaMetricNames.Adce, NbaMetricNames.AdceSuccessRate),
        .. new[] { "DataExtractionDuration", "S3UploadDuration", "ValidationDuration" }.SelectMany(m => new[] { Id(NbaMetricNames.Performance, m, ("Status", "success")), Id(NbaMetricNames.Performance, m, ("Status", "failure")) }),
        Id(NbaMetricNames.Costs, NbaMetricNames.MonthlyAwsCost),
        Id(NbaMetricNames.Costs, NbaMetricNames.BudgetUtilization),
        Id(NbaMetricNames.DataQuality, NbaMetricNames.ValidationPassRate),
        Id(NbaMetricNames.Dims, "DIMS_S3Objects", ("Source", "DIMS")),
        Id(NbaMetricNames.Dims, NbaMetricNames.DimsDriftDetected),
    ];

    private static readonly HashSet<string> Distributions = ["DataExtractionDuration", "S3UploadDuration", "ValidationDuration", NbaMetricNames.ValidationPassRate];

    [Fact]
    public async Task A_points_billed_bytes_are_what_the_generated_classes_count_for_the_request_the_exporter_sends()
    {
        // Oracle: the exporter's real request, decoded, each point's size counted by Google.Protobuf plus its metric's
        // name and the resource (the bill counts those per point).
        await using var server = new LoopbackOtlpServer();
        var now = new DateTimeOffset(Today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        foreach (var identity in new[] { SeedSeries[2], SeedSeries[7] })
        {
            var estimate = OtelPathCost.Estimate([identity], new Dictionary<string, int>(), Distributions, 0, now);
            using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now));
            server.Accepted.Clear();
            estimate.PointsPerMonth.Should().Be(43_200, "one point per 60-second period");
            var perPoint = estimate.BytesPerMonth / estimate.PointsPerMonth;
            perPoint.Should().BeGreaterThan(0);

            // The same series through the exporter, decoded.
            var datum = Distributions.Contains(identity.MetricName)
                ? Distribution(identity, now)
                : new MetricDatum(identity.Namespace, identity.MetricName, [.. identity.Dimensions], MetricUnit.Count, now.AddMinutes(-1), 60, 1, null, null, null) { Kind = MetricKind.Counter };
            await exporter.ExportAsync([datum], TestContext.Current.CancellationToken);
            var request = server.Accepted.Single().Request;
            var metric = request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Single();
            var point = (IMessage?)metric.Sum?.DataPoints.Single() ?? metric.ExponentialHistogram.DataPoints.Single();
            var resource = request.ResourceMetrics[0].Resource;

            // The resource differs in service.name ("otlp-tests" here, "nba-simulator" in the estimate): compare without it.
            var serviceName = resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue;
            var expected = point.CalculateSize() + System.Text.Encoding.UTF8.GetByteCount(metric.Name) + resource.CalculateSize() - serviceName.Length + "nba-simulator".Length;
            perPoint.Should().Be(expected, identity.MetricName);
        }
    }

    [Fact]
    public void The_seed_equivalent_set_costs_less_on_the_OTel_path_and_the_report_recommends_it_with_the_saving()
    {
        var classicSeries = SeedSeries.Count + 3; // the duration rollups without Status: metrics of their own on Classic
        var inputs = new CostInputs
        {
            Today = Today,
            BudgetUsd = 150,
            ThisMonth = new Dictionary<string, decimal>(),
            LastMonth = new Dictionary<string, decimal>(),
            MetricsPerNamespace = SeedSeries.GroupBy(s => s.Namespace).ToDictionary(g => g.Key, g => g.Count() + (g.Key == NbaMetricNames.Performance ? 3 : 0)),
            Alarms = [],
            Dashboards = 3,
            HighResolutionPerNamespace = new Dictionary<string, int>(),
            Series = SeedSeries,
            DistributionNames = Distributions,
        };

        var report = CostAdvisor.Build(inputs);

        report.Product.CustomMetrics.Should().Be(classicSeries);
        var otel = report.Otel!;
        otel.PointsPerMonth.Should().Be(SeedSeries.Count * 43_200L);
        otel.IngestionUsd.Should().Be(Math.Round(otel.BytesPerMonth / 1_000_000_000m * 0.50m, 2));
        var classic = report.Product.MetricsUsd + report.Product.ApiUsd;
        otel.IngestionUsd.Should().BeLessThan(classic);
        report.Recommendations.Should().ContainSingle(r => r.Id == "otel-path").Which.EstimatedMonthlySavingUsd.Should().Be(classic - otel.IngestionUsd);
        output.WriteLine($"Classic: {classicSeries} metrics ${report.Product.MetricsUsd:N2} + {report.Product.PutMetricDataCallsPerMonth:N0} calls ${report.Product.ApiUsd:N2} = ${classic:N2}; OTel: {otel.PointsPerMonth:N0} points, {otel.BytesPerMonth / 1_000_000m:N1} MB, ${otel.IngestionUsd:N2}");
        output.WriteLine(report.RenderText());
    }

    [Fact]
    public void Without_the_series_listed_there_is_no_OTel_recommendation()
    {
        var report = CostAdvisor.Build(new CostInputs
        {
            Today = Today,
            BudgetUsd = 150,
            ThisMonth = new Dictionary<string, decimal>(),
            LastMonth = new Dictionary<string, decimal>(),
            MetricsPerNamespace = new Dictionary<string, int> { [NbaMetricNames.Adce] = 4 },
            Alarms = [],
            Dashboards = 0,
            HighResolutionPerNamespace = new Dictionary<string, int>(),
        });

        report.Recommendations.Should().NotContain(r => r.Id == "otel-path");
        report.Otel!.PointsPerMonth.Should().Be(0);
    }

    private static MetricDatum Distribution(MetricIdentity s, DateTimeOffset now)
    {
        var values = Enumerable.Range(0, 64 * OtelPathCost.DistributionOctaves).Select(i => Math.ScaleB(1 + (((i % 64) + 0.5) / 64), i / 64)).ToArray();
        var counts = values.Select(_ => 3d).ToArray();
        return new MetricDatum(s.Namespace, s.MetricName, [.. s.Dimensions], MetricUnit.Seconds, now.AddMinutes(-1), 60, null, new StatisticSet(counts.Sum(), values.Sum() * 3, values[0], values[^1]), values, counts) { Kind = MetricKind.Distribution };
    }

    private static MetricIdentity Id(string ns, string name, params (string Name, string Value)[] dimensions)
        => new() { Namespace = ns, MetricName = name, Dimensions = dimensions.Select(d => new MetricDimension(d.Name, d.Value)).ToList() };
}
