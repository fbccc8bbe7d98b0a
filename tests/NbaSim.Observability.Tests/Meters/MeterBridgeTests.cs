using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using NbaSim.Observability.Meters;
using NbaSim.Observability.Tests.Infrastructure;
using NbaSim.Observability.Tests.Oracles;

namespace NbaSim.Observability.Tests.Meters;

/// <summary>.NET Meters into CloudWatch series: which instrument becomes what, with which dimensions and unit.</summary>
public class MeterBridgeTests(MotoServer moto)
{
    private const string Ns = "NBA-Simulator/Runtime";

    [Fact]
    public async Task Each_instrument_kind_becomes_its_series_aggregated_over_the_tags_not_kept()
    {
        var meterName = $"NbaSim.Tests.Bridge.{Guid.NewGuid():N}";
        await using var pipeline = new Infrastructure.Pipeline();
        var logger = new FakeLogger<MeterBridge>();
        using var meter = new Meter(meterName);
        var requests = meter.CreateCounter<long>("requests", "{request}");
        var duration = meter.CreateHistogram<double>("duration", "ms");
        var active = meter.CreateUpDownCounter<int>("active");
        var odd = meter.CreateCounter<int>("odd", "furlong");
        var ignored = meter.CreateCounter<int>("ignored");
        meter.CreateObservableGauge("queue", () => 7.0, "{item}");
        meter.CreateObservableCounter("bytes", () => 1_000L, "By");
        using var bridge = new MeterBridge(pipeline.Registry, [new MeterBridgeOptions
        {
            Name = meterName,
            Namespace = Ns,
            Instruments = ["requests", "duration", "active", "odd", "queue", "bytes"],
            Dimensions = ["route", "method"],
        }], logger);

        for (var i = 0; i < 3; i++)
        {
            requests.Add(1, new("route", "a"), new("method", "GET"), new("status", 200 + i));
        }

        requests.Add(2, new("route", "b"), new("method", "GET"));
        for (var i = 1; i <= 100; i++)
        {
            duration.Record(i, new("route", "a"), new("method", "GET"), new("status", i % 2 == 0 ? "200" : "500"));
        }

        active.Add(5);
        active.Add(-2);
        odd.Add(4);
        odd.Add(4);
        ignored.Add(1);
        await pipeline.Sink.StopAsync(TestContext.Current.CancellationToken);

        var datums = pipeline.Exporter.Datums.ToList();
        double Sum(string name, params (string, string)[] dims) => datums.Where(d => d.MetricName == name && Dims(d).SequenceEqual(dims)).Sum(d => d.StatisticValues?.Sum ?? d.Value ?? 0);
        Sum("requests", ("route", "a"), ("method", "GET")).Should().Be(3);
        Sum("requests", ("route", "b"), ("method", "GET")).Should().Be(2);
        datums.Where(d => d.MetricName == "requests").Should().OnlyContain(d => d.Unit == MetricUnit.Count && d.Namespace == Ns);

        var histogram = datums.Where(d => d.MetricName == "duration").ToList();
        histogram.Select(Dims).Distinct(new SequenceComparer()).Should().ContainSingle("status is not kept: one series over it");
        histogram.Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(100);
        histogram.Sum(d => d.StatisticValues!.Value.Sum).Should().Be(5050);
        histogram.Min(d => d.StatisticValues!.Value.Minimum).Should().Be(1);
        histogram.Max(d => d.StatisticValues!.Value.Maximum).Should().Be(100);
        histogram.Should().OnlyContain(d => d.Unit == MetricUnit.Milliseconds && d.Values != null);

        datums.Where(d => d.MetricName == "active").Select(d => d.Value ?? d.StatisticValues?.Maximum).Last().Should().Be(3, "an up-down counter publishes its running value");
        datums.Where(d => d.MetricName == "queue").Should().Contain(d => (d.Value ?? d.StatisticValues!.Value.Maximum) == 7.0 && d.Unit == MetricUnit.Count);
        Sum("bytes").Should().Be(1_000, "an observable counter's total, read at the collection");
        datums.Where(d => d.MetricName == "bytes").Should().OnlyContain(d => d.Unit == MetricUnit.Bytes);
        Sum("odd").Should().Be(8);
        datums.Where(d => d.MetricName == "odd").Should().OnlyContain(d => d.Unit == MetricUnit.None);
        logger.Collector.GetSnapshot().Count(l => l.Message.Contains("'furlong'", StringComparison.Ordinal)).Should().Be(1, "an unknown unit is logged once");
        datums.Should().NotContain(d => d.MetricName == "ignored", "not in the allow-list");
    }

    [Fact]
    public async Task Instruments_created_after_start_are_picked_up_and_a_disposed_meter_stops_cleanly()
    {
        var prefix = $"NbaSim.Tests.Late.{Guid.NewGuid():N}";
        await using var pipeline = new Infrastructure.Pipeline();
        using var bridge = new MeterBridge(pipeline.Registry, [new MeterBridgeOptions { Name = prefix + ".*", Namespace = Ns }], new FakeLogger<MeterBridge>());

        var meter = new Meter(prefix + ".Scraper");
        var pages = meter.CreateCounter<long>("pages");
        pages.Add(4);
        meter.Dispose();
        pages.Add(100); // after disposal: no longer listened to

        await pipeline.Sink.StopAsync(TestContext.Current.CancellationToken);
        pipeline.Exporter.Datums.Where(d => d.MetricName == "pages").Sum(d => d.StatisticValues?.Sum ?? d.Value ?? 0).Should().Be(4);
    }

    [Fact]
    public async Task A_tag_value_CloudWatch_would_refuse_is_logged_once_and_its_measurements_are_counted_not_published()
    {
        var meterName = $"NbaSim.Tests.Refused.{Guid.NewGuid():N}";
        await using var pipeline = new Infrastructure.Pipeline();
        var logger = new FakeLogger<MeterBridge>();
        using var meter = new Meter(meterName);
        var calls = meter.CreateCounter<long>("calls");
        using var bridge = new MeterBridge(pipeline.Registry, [new MeterBridgeOptions { Name = meterName, Namespace = Ns, Dimensions = ["url"] }], logger);

        var tooLong = new string('x', 1300);
        calls.Add(1, new KeyValuePair<string, object?>("url", tooLong));
        calls.Add(1, new KeyValuePair<string, object?>("url", tooLong));
        calls.Add(5, new KeyValuePair<string, object?>("url", "/ok"));
        await pipeline.Sink.StopAsync(TestContext.Current.CancellationToken);

        var published = pipeline.Exporter.Datums.Where(d => d.MetricName == "calls").ToList();
        published.Should().NotBeEmpty();
        published.Select(d => string.Join(",", Dims(d))).Distinct().Should().Equal("(url, /ok)");
        published.Sum(d => d.StatisticValues?.Sum ?? d.Value ?? 0).Should().Be(5);
        logger.Collector.GetSnapshot().Should().ContainSingle(l => l.Message.Contains("1300", StringComparison.Ordinal) && l.Message.Contains("calls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_consumer_that_only_configures_its_meter_gets_its_counter_and_histogram_into_moto()
    {
        // The run's shared moto: the meter and namespace are this test's own, so other tests' data cannot interfere.
        var ct = TestContext.Current.CancellationToken;
        var url = await moto.UrlAsync();
        var meterName = $"Consumer.Orders.{Guid.NewGuid():N}";
        var ns = $"Consumer/Orders-{Guid.NewGuid():N}"[..30];

        // The consumer's side: configuration naming its meter and two instruments, and its own Meter. No library type.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NbaObservability:Exporter"] = "CloudWatch",
            ["NbaObservability:CloudWatch:ServiceUrl"] = url,
            ["NbaObservability:CloudWatch:Region"] = "us-east-1",
            ["NbaObservability:CloudWatch:DisableCompression"] = "true",
            ["NbaObservability:ShutdownTimeout"] = "00:00:25", // a busy machine; within the host's own 30 s
            ["NbaObservability:Meters:0:Name"] = meterName,
            ["NbaObservability:Meters:0:Namespace"] = ns,
            ["NbaObservability:Meters:0:Instruments:0"] = "orders",
            ["NbaObservability:Meters:0:Instruments:1"] = "order.value",
        }).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<Amazon.Runtime.AWSCredentials>(MotoServer.Credentials);
        builder.Services.AddNbaObservability(configuration);
        using var host = builder.Build();
        await host.StartAsync(ct);
        using (var meter = new Meter(meterName))
        {
            var orders = meter.CreateCounter<long>("orders");
            var value = meter.CreateHistogram<double>("order.value", "s");
            var notListed = meter.CreateCounter<long>("refunds");
            for (var i = 0; i < 40; i++)
            {
                orders.Add(3);
                value.Record(2.5);
                notListed.Add(1);
            }

            await host.StopAsync(ct);
        }

        var at = DateTimeOffset.UtcNow;
        var counter = await AwsCli.StatisticsAsync(url, ns, "orders", at);
        counter.Sum.Should().Be(120);
        var histogram = await AwsCli.StatisticsAsync(url, ns, "order.value", at);
        histogram.SampleCount.Should().Be(40);
        histogram.Sum.Should().Be(100);
        (await AwsCli.RunAsync(url, "cloudwatch", "list-metrics", "--namespace", ns)).RootElement.GetProperty("Metrics").EnumerateArray()
            .Select(m => m.GetProperty("MetricName").GetString()).Should().NotContain("refunds");
    }

    [Fact]
    public async Task Many_tag_combinations_and_more_than_three_kept_tags_each_keep_their_own_sum()
    {
        var meterName = $"NbaSim.Tests.Many.{Guid.NewGuid():N}";
        await using var pipeline = new Infrastructure.Pipeline();
        using var meter = new Meter(meterName);
        var calls = meter.CreateCounter<long>("calls");
        using var bridge = new MeterBridge(pipeline.Registry, [new MeterBridgeOptions { Name = meterName, Namespace = Ns, Dimensions = ["a", "b", "c", "d"] }], new FakeLogger<MeterBridge>());

        // 12 combinations (past the scanned first few), values of four kept tags, one of them an int.
        for (var round = 1; round <= 3; round++)
        {
            for (var i = 0; i < 12; i++)
            {
                calls.Add(i + 1, new("a", $"x{i % 3}"), new("b", "same"), new("c", i), new("d", $"y{i}"));
            }
        }

        await pipeline.Sink.StopAsync(TestContext.Current.CancellationToken);
        var bySeries = pipeline.Exporter.Datums.Where(d => d.MetricName == "calls")
            .GroupBy(d => string.Join(",", Dims(d)))
            .ToDictionary(g => g.Key, g => g.Sum(d => d.StatisticValues?.Sum ?? d.Value ?? 0));
        bySeries.Should().HaveCount(12);
        for (var i = 0; i < 12; i++)
        {
            bySeries[$"(a, x{i % 3}),(b, same),(c, {i}),(d, y{i})"].Should().Be(3 * (i + 1));
        }
    }

    [Theory]
    [InlineData("", "NBA-Simulator/Runtime", "Meters:0:Name")]
    [InlineData("System.*.Http", "NBA-Simulator/Runtime", "Meters:0:Name")]
    [InlineData("System.Net.Http", "AWS/EC2", "Meters:0:Namespace")]
    public void A_bad_meter_entry_fails_at_start_up_naming_the_field(string name, string ns, string field)
    {
        var options = new NbaObservabilityOptions { Meters = [new MeterBridgeOptions { Name = name, Namespace = ns }] };

        var result = new NbaObservabilityOptionsValidator().Validate(null, options);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain(field);
    }

    private static (string, string)[] Dims(MetricDatum d) => [.. d.Dimensions.Select(x => (x.Name, x.Value))];

    private sealed class SequenceComparer : IEqualityComparer<(string, string)[]>
    {
        public bool Equals((string, string)[]? x, (string, string)[]? y) => x!.SequenceEqual(y!);

        public int GetHashCode((string, string)[] obj) => obj.Length;
    }
}
