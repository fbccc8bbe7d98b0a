using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Tests.Export.Otlp;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Attacks;

// Red team on c739f8c (OTLP refuses a dimension named __… or @…). The first test failed on c739f8c (start-up accepted
// the operation); the validator now refuses it whenever OTLP is the main or the secondary exporter. The others held.
public sealed class RedTeamReservedLabelAttackTests
{
    private const string Ns = "NBA-Simulator/S3";
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);

    // FINDING: start-up validation accepts a profiled operation whose dimension the OTLP exporter will refuse on every
    // export, and the OTel-path alarms/dashboards are generated over that label: an alarm that can never fire.
    [Fact]
    public async Task A_profiled_operation_with_a_reserved_dimension_is_refused_at_start_up_on_the_OTel_path()
    {
        var options = new NbaObservabilityOptions { Exporter = MetricExporterKind.Otlp };
        options.Monitoring.ProfiledOperations = ["Sim[\\@Engine=v2]", "Sim2[__shard=1]"];

        var result = new NbaObservabilityOptionsValidator().Validate(null, options);

        // What the OTel path generates from that configuration.
        var context = new MonitoringContext("us-east-1", "123456789012", "t", 150m, options.Monitoring.ProfiledOperations, "b");
        var queries = NbaMonitoring.PromQLAlarms(context).Select(a => a.PromQL!.Query).ToList();
        queries.Should().Contain(q => q.Contains("\"@Engine\"=\"v2\"", StringComparison.Ordinal));
        queries.Should().Contain(q => q.Contains("\"__shard\"=\"1\"", StringComparison.Ordinal));

        // What the exporter does with the series those alarms select.
        await using var server = new LoopbackOtlpServer();
        using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new FakeTimeProvider(Start));
        var datum = MetricDatum.CreateValue("NBA-Simulator/Performance", "SimDuration", 1, MetricUnit.Seconds, Start,
            [new MetricDimension("Status", "success"), new MetricDimension("@Engine", "v2")], now: Start);
        (await exporter.ExportAsync([datum], TestContext.Current.CancellationToken)).RejectedDatums.Should().Be(1);
        server.Accepted.Should().BeEmpty();

        result.Failed.Should().BeTrue("the alarm 'Sim-@Engine-v2-DurationRegression-PromQL' selects a label the exporter refuses on every export: it can never fire");
        result.Failures.Should().Contain(f => f.Contains("'@Engine'", StringComparison.Ordinal) && f.Contains("Monitoring:ProfiledOperations", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("'__shard'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(MetricExporterKind.CloudWatch, null, false)]
    [InlineData(MetricExporterKind.CloudWatch, MetricExporterKind.Otlp, true)]
    public void The_reserved_name_check_applies_only_where_OTLP_sends(MetricExporterKind exporter, MetricExporterKind? secondary, bool refused)
    {
        var options = new NbaObservabilityOptions { Exporter = exporter, SecondaryExporter = secondary };
        options.Monitoring.ProfiledOperations = ["Sim2[__shard=1]"];

        var result = new NbaObservabilityOptionsValidator().Validate(null, options);

        (result.Failures ?? []).Any(f => f.Contains("'__shard'", StringComparison.Ordinal)).Should().Be(refused);
    }

    // HELD: a refused datum leaves no series, and a valid datum in the same batch / later counts exactly.
    [Fact]
    public async Task A_refused_datum_leaves_no_state_and_the_next_exports_count_exactly()
    {
        await using var server = new LoopbackOtlpServer();
        using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new FakeTimeProvider(Start));
        MetricDatum D(string dim, double v) => MetricDatum.CreateValue(Ns, "Up", v, MetricUnit.Count, Start, [new MetricDimension(dim, "secret-value-123")], now: Start);

        var first = await exporter.ExportAsync([D("__x", 5), D("ok", 2), D("@y", 7)], TestContext.Current.CancellationToken);
        first.RejectedDatums.Should().Be(2);
        exporter.SeriesCount.Should().Be(1);
        var second = await exporter.ExportAsync([D("ok", 3), D("__x", 11)], TestContext.Current.CancellationToken);
        second.RejectedDatums.Should().Be(1);
        exporter.RejectedPoints.Should().Be(3);
        server.Accepted.Should().HaveCount(2);
        var points = server.Accepted.Select(a => a.Request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Single()).ToList();
        points.SelectMany(m => m.Gauge?.DataPoints ?? [], (m, p) => p).Concat(points.SelectMany(m => m.Sum?.DataPoints ?? [], (m, p) => p))
            .SelectMany(p => p.Attributes).Select(a => a.Key).Should().OnlyContain(k => k == "ok");
    }

    // HELD: dual-write, Classic primary and OTLP secondary: Classic delivers the series, OTLP counts it once, keeps nothing queued.
    [Fact]
    public async Task Dual_write_Classic_delivers_and_the_OTLP_secondary_counts_the_refusal_once()
    {
        await using var server = new LoopbackOtlpServer();
        var classic = new CapturingExporter();
        var options = new NbaObservabilityOptions { Exporter = MetricExporterKind.CloudWatch, SecondaryExporter = MetricExporterKind.Otlp };
        var time = new FakeTimeProvider(Start);
        var registry = new MetricRegistry(options, time);
        using var otlp = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: time);
        await using var sink = new BufferedMetricSink(registry, classic, otlp, options);
        var counter = registry.Counter(Ns, "Uploads", MetricUnit.Count, default, new MetricDimension("__shard", "1"));
        for (var i = 0; i < 10; i++)
        {
            counter.Record(1);
        }

        (await sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
        time.Advance(TimeSpan.FromSeconds(60));
        counter.Record(1);
        (await sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();

        classic.Datums.Sum(d => d.StatisticValues?.Sum ?? d.Value ?? 0).Should().Be(11);
        otlp.RejectedPoints.Should().Be(2);
        otlp.SeriesCount.Should().Be(0);
        sink.SecondaryQueuedDatums.Should().Be(0);
        server.Accepted.Should().BeEmpty();
    }
}
