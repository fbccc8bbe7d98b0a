using System.Buffers;
using System.Text;
using System.Text.Json;

namespace NbaSim.Observability.Tests.Export;

public class EmfSerializerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_line_is_an_emf_document_that_follows_the_specification()
    {
        var datums = new List<MetricDatum>
        {
            MetricDatum.CreateValue("NBA-Simulator/DataCollection", "S3ObjectCount", 172_719, MetricUnit.Count, Now, [new("Bucket", "nba-sim-raw-data-lake")], now: Now),
            MetricDatum.CreateValue("NBA-Simulator/DataCollection", "S3TotalSizeGB", 118.5, MetricUnit.Gigabytes, Now, [new("Bucket", "nba-sim-raw-data-lake")], now: Now),
            MetricDatum.CreateStatistics("NBA-Simulator/Performance", "S3UploadDuration", new StatisticSet(5, 2.5, 0.1, 1.2), MetricUnit.Seconds, Now, [new("Status", "success")], [0.1, 0.3, 1.2], [2, 2, 1], storageResolution: 1, now: Now),
            MetricDatum.CreateStatistics("NBA-Simulator/ADCE", "ADCETasksCompleted", new StatisticSet(3, 9, 1, 5), MetricUnit.Count, Now, now: Now),
        };

        var lines = Serialize(datums);

        lines.Should().HaveCount(3, "datums sharing namespace, timestamp and dimensions share a document");
        foreach (var line in lines)
        {
            AssertEmfStructure(line);
        }

        using var s3 = JsonDocument.Parse(lines[0]);
        s3.RootElement.GetProperty("Bucket").GetString().Should().Be("nba-sim-raw-data-lake");
        s3.RootElement.GetProperty("S3ObjectCount").GetDouble().Should().Be(172_719);
        s3.RootElement.GetProperty("_aws").GetProperty("Timestamp").GetInt64().Should().Be(Now.ToUnixTimeMilliseconds());
        var metrics = s3.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics");
        metrics.EnumerateArray().Select(m => m.GetProperty("Unit").GetString()).Should().Equal("Count", "Gigabytes");

        using var perf = JsonDocument.Parse(lines[1]);
        var upload = perf.RootElement.GetProperty("S3UploadDuration");
        upload.GetProperty("Values").EnumerateArray().Select(e => e.GetDouble()).Should().Equal(0.1, 0.3, 1.2);
        upload.GetProperty("Counts").EnumerateArray().Select(e => e.GetDouble()).Should().Equal(2, 2, 1);
        (upload.GetProperty("Count").GetDouble(), upload.GetProperty("Sum").GetDouble(), upload.GetProperty("Min").GetDouble(), upload.GetProperty("Max").GetDouble())
            .Should().Be((5, 2.5, 0.1, 1.2));
        perf.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics")[0].GetProperty("StorageResolution").GetInt32().Should().Be(1);
        perf.RootElement.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["_aws", "Status", "S3UploadDuration"], "nothing CloudWatch would ignore");

        using var adce = JsonDocument.Parse(lines[2]);
        var completed = adce.RootElement.GetProperty("ADCETasksCompleted");
        (completed.GetProperty("Count").GetDouble(), completed.GetProperty("Sum").GetDouble(), completed.GetProperty("Min").GetDouble(), completed.GetProperty("Max").GetDouble())
            .Should().Be((3, 9, 1, 5), "a counter is its statistic set, so CloudWatch counts 3 increments summing to 9");
        completed.TryGetProperty("Values", out _).Should().BeFalse();
    }

    [Fact]
    public void Documents_hold_at_most_100_metrics_and_100_values_per_metric()
    {
        var datums = Enumerable.Range(0, 250)
            .Select(i => MetricDatum.CreateValue("NBA-Simulator/ADCE", $"M{i}", i, MetricUnit.Count, Now, now: Now))
            .Append(MetricDatum.CreateStatistics("NBA-Simulator/ADCE", "Wide", new StatisticSet(150, 150 * 151 / 2, 1, 150), MetricUnit.None, Now,
                values: Enumerable.Range(1, 150).Select(i => (double)i).ToArray(), counts: Enumerable.Repeat(1d, 150).ToArray(), now: Now))
            .ToList();

        var lines = Serialize(datums);

        var total = 0;
        var wideValues = new List<double>();
        double wideCount = 0, wideSum = 0;
        foreach (var line in lines)
        {
            AssertEmfStructure(line);
            using var doc = JsonDocument.Parse(line);
            var metrics = doc.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics");
            metrics.GetArrayLength().Should().BeLessThanOrEqualTo(100);
            total += metrics.EnumerateArray().Count(m => m.GetProperty("Name").GetString() != "Wide");
            if (doc.RootElement.TryGetProperty("Wide", out var wide))
            {
                var values = wide.GetProperty("Values");
                values.GetArrayLength().Should().BeLessThanOrEqualTo(100);
                wideValues.AddRange(values.EnumerateArray().Select(e => e.GetDouble()));
                wideCount += wide.GetProperty("Count").GetDouble();
                wideSum += wide.GetProperty("Sum").GetDouble();
            }
        }

        total.Should().Be(250);
        wideValues.Should().Equal(Enumerable.Range(1, 150).Select(i => (double)i));
        wideCount.Should().Be(150, "each part carries its own count; together they are the datum's");
        wideSum.Should().BeApproximately(150 * 151 / 2, 1e-9);
    }

    [Fact]
    public async Task The_exporter_appends_lines_to_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"emf-{Guid.NewGuid():N}", "metrics.emf");
        await using (var exporter = new EmfExporter(new EmfExporterOptions { Path = path }))
        {
            await exporter.ExportAsync([MetricDatum.CreateValue("NBA-Simulator/ADCE", "A", 1, MetricUnit.Count, Now, now: Now)], TestContext.Current.CancellationToken);
            var result = await exporter.ExportAsync([MetricDatum.CreateValue("NBA-Simulator/ADCE", "B", 2, MetricUnit.Count, Now, now: Now)], TestContext.Current.CancellationToken);
            result.BytesSent.Should().BeGreaterThan(50);
        }

        var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
        lines.Should().HaveCount(2);
        lines.Should().AllSatisfy(AssertEmfStructure);
    }

    [Fact]
    public async Task The_exporter_sends_to_the_agent_over_tcp()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var accept = listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken).AsTask();
        await using (var exporter = new EmfExporter(new EmfExporterOptions { AgentEndpoint = $"tcp://127.0.0.1:{port}" }))
        {
            await exporter.ExportAsync([MetricDatum.CreateValue("NBA-Simulator/ADCE", "A", 1, MetricUnit.Count, Now, now: Now)], TestContext.Current.CancellationToken);
        }

        using var client = await accept;
        using var reader = new StreamReader(client.GetStream());
        var line = await reader.ReadLineAsync(TestContext.Current.CancellationToken);
        AssertEmfStructure(line!);
    }

    internal static void AssertEmfStructure(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var aws = root.GetProperty("_aws");
        aws.GetProperty("Timestamp").ValueKind.Should().Be(JsonValueKind.Number);
        var directives = aws.GetProperty("CloudWatchMetrics");
        directives.GetArrayLength().Should().BeGreaterThan(0);
        foreach (var directive in directives.EnumerateArray())
        {
            directive.GetProperty("Namespace").GetString().Should().NotBeNullOrEmpty();
            foreach (var set in directive.GetProperty("Dimensions").EnumerateArray())
            {
                set.GetArrayLength().Should().BeLessThanOrEqualTo(30);
                foreach (var name in set.EnumerateArray())
                {
                    root.GetProperty(name.GetString()!).ValueKind.Should().Be(JsonValueKind.String, "dimension targets are strings");
                }
            }

            var metrics = directive.GetProperty("Metrics");
            metrics.GetArrayLength().Should().BeInRange(1, 100);
            foreach (var metric in metrics.EnumerateArray())
            {
                var target = root.GetProperty(metric.GetProperty("Name").GetString()!);
                if (target.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in new[] { "Count", "Sum", "Min", "Max" })
                    {
                        target.GetProperty(field).ValueKind.Should().Be(JsonValueKind.Number);
                    }

                    if (target.TryGetProperty("Values", out var values))
                    {
                        values.GetArrayLength().Should().BeInRange(1, 100);
                        var counts = target.GetProperty("Counts");
                        counts.GetArrayLength().Should().Be(values.GetArrayLength());
                        counts.EnumerateArray().Sum(c => c.GetDouble()).Should().Be(target.GetProperty("Count").GetDouble(), "CloudWatch takes SampleCount from the Counts");
                    }
                }
                else
                {
                    target.ValueKind.Should().Be(JsonValueKind.Number);
                }

                if (metric.TryGetProperty("Unit", out var unit))
                {
                    MetricUnitNames.TryParse(unit.GetString(), out _).Should().BeTrue();
                }
            }
        }
    }

    private static List<string> Serialize(IReadOnlyList<MetricDatum> datums)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var starts = new List<int>();
        var count = EmfSerializer.Write(datums, buffer, starts);
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        text.Should().EndWith("\n");
        var lines = text.TrimEnd('\n').Split('\n').ToList();
        lines.Should().HaveCount(count);
        starts.Should().HaveCount(count);
        return lines;
    }
}
