using System.Text;
using Microsoft.Extensions.Options;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.CostExplorer;
using NbaSim.Observability.Cli.Aws.CloudWatch;
using NbaSim.Observability.Publishers;
using NbaSim.Observability.Tests.Aws;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Publishers;

/// <summary>Every publisher's metrics through the CloudWatch exporter into moto, read back by name, unit, dimensions and value.</summary>
[Collection(nameof(CostExplorerSeedSerial))]
public sealed class PublishersToMotoTests(MotoServer moto)
{
    [Fact]
    public async Task Each_publisher_reaches_CloudWatch_with_the_design_names_units_dimensions_and_values()
    {
        var url = await moto.UrlAsync();
        using var cloudWatch = new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1" });
        var registry = new MetricRegistry();
        await using var sink = new BufferedMetricSink(registry, new CloudWatchExporter(cloudWatch), new NbaObservabilityOptions());
        var time = TimeProvider.System;
        var run = Guid.NewGuid().ToString("N")[..6];

        // Cost: moto's seeded Cost Explorer results.
        using (var http = new HttpClient())
        {
            var seed = """{"results":[{"ResultsByTime":[{"TimePeriod":{"Start":"2026-11-01","End":"2026-11-29"},"Total":{"UnblendedCost":{"Amount":"120.00","Unit":"USD"}},"Groups":[],"Estimated":true}]}]}""";
            (await http.PostAsync(url + "/moto-api/static/ce/cost-and-usage-results", new StringContent(seed, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        using var ce = new CostExplorerClient(MotoServer.Credentials, new CostExplorerClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1" });
        var cost = await new CostPublisher(registry, new NbaSim.Observability.Publishers.CostExplorerCostSource(ce), Options.Create(new CostPublisherOptions()), time).PublishAsync(TestContext.Current.CancellationToken);

        // DIMS from a file, ADCE, uploads and data quality from the hot-path helpers.
        var dimsDir = Directory.CreateTempSubdirectory("dims-moto-");
        var dimsFile = Path.Combine(dimsDir.FullName, "metrics.yaml");
        await File.WriteAllTextAsync(dimsFile, "s3_storage:\n  total_objects: {value: 172719}\n  total_size_gb: {value: 118.5}\ncode_base:\n  python_files: {value: 1204}\n  test_files: {value: 311}\n", TestContext.Current.CancellationToken);
        await new DimsPublisher(registry, Options.Create(new DimsPublisherOptions { StatePath = Path.Combine(dimsDir.FullName, "state.json") }), time).PublishAsync(dimsFile, TestContext.Current.CancellationToken);
        using var adce = new AdceHealthMetrics(registry);
        for (var i = 0; i < 19; i++)
        {
            adce.TaskCompleted();
        }

        adce.TaskFailed();
        var uploads = new S3UploadMetrics(registry);
        uploads.Failed();
        new DataQualityMetrics(registry).Report(97, 100);

        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        cost.MonthToDateUsd.Should().Be(120m);
        await Expect("NBA-Simulator/Costs", "MonthlyAWSCost", [], "Maximum", 120);
        await Expect("NBA-Simulator/Costs", "BudgetUtilization", [], "Maximum", 80);
        await Expect("NBA-Simulator/DIMS", "DIMS_S3Objects", [new("Source", "DIMS")], "Maximum", 172719);
        await Expect("NBA-Simulator/DIMS", "DIMS_S3SizeGB", [new("Source", "DIMS")], "Maximum", 118.5);
        await Expect("NBA-Simulator/DIMS", "DIMS_TestFiles", [], "Maximum", 311);
        await Expect("NBA-Simulator/ADCE", "ADCETasksCompleted", [], "Sum", 19, atLeast: true);
        await Expect("NBA-Simulator/ADCE", "ADCESuccessRate", [], "Average", 95, atLeast: false);
        await Expect("NBA-Simulator/DataCollection", "S3UploadFailures", [], "Sum", 1, atLeast: true);
        await Expect("NBA-Simulator/DataQuality", "ValidationPassRate", [], "Maximum", 97, atLeast: false);

        var listed = await cloudWatch.ListMetricsAsync(new ListMetricsRequest { Namespace = "NBA-Simulator/DIMS" }, TestContext.Current.CancellationToken);
        listed.Metrics.Should().Contain(m => m.MetricName == "DIMS_PythonFiles");
        dimsDir.Delete(recursive: true);

        async Task Expect(string ns, string name, MetricDimension[] dimensions, string statistic, double value, bool atLeast = false)
        {
            var now = DateTimeOffset.UtcNow;
            var stats = await cloudWatch.GetMetricStatisticsAsync(new GetMetricStatisticsRequest
            {
                Namespace = ns,
                MetricName = name,
                Dimensions = dimensions,
                StartTime = now.AddHours(-1),
                EndTime = now.AddMinutes(5),
                Period = 7200,
                Statistics = [statistic],
            }, TestContext.Current.CancellationToken);
            var point = stats.Datapoints.Should().ContainSingle($"{ns}/{name} ({run})").Subject;
            var actual = statistic switch { "Sum" => point.Sum, "Average" => point.Average, "Maximum" => point.Maximum, _ => point.Minimum };
            if (atLeast)
            {
                actual.Should().BeGreaterThanOrEqualTo(value, $"{ns}/{name}");
            }
            else
            {
                actual.Should().BeApproximately(value, 1e-9, $"{ns}/{name}");
            }
        }
    }
}
