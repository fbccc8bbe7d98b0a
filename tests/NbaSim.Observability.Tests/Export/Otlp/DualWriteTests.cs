using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Export.Otlp;

/// <summary>
/// Dual-write (Classic and OTLP at once, CloudWatch's migration path): each destination has its own queue, so one's
/// outage or hang never holds the other, and the one that was down catches up with exact totals.
/// </summary>
public sealed class DualWriteTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public async Task A_hung_Classic_destination_does_not_hold_OTLP_deliveries()
    {
        await using var otlp = new LoopbackOtlpServer();
        var release = new TaskCompletionSource();
        var classic = new HangingExporter(release.Task);
        await using var run = new DualRun(classic, otlp);
        var tasks = run.Registry.Counter("NBA-Simulator/ADCE", "TasksCompleted", MetricUnit.Count, default);
        for (var i = 0; i < 321; i++)
        {
            tasks.Record(1);
        }

        var flush = run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (otlp.Accepted.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        otlp.Accepted.Should().ContainSingle("OTLP delivered while Classic hung");
        otlp.Accepted.Single().Request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Single().Sum.DataPoints.Single().AsDouble.Should().Be(321);
        flush.IsCompleted.Should().BeFalse("Classic's export is still hanging");
        run.Sink.QueuedDatums.Should().BeGreaterThan(0, "Classic still holds its datums");

        release.SetResult();
        (await flush).Should().BeTrue();
        classic.Delivered.Sum(d => d.StatisticValues?.Sum ?? d.Value ?? 0).Should().Be(321);
    }

    [Fact]
    public async Task An_OTLP_outage_leaves_Classic_delivering_and_OTLP_catches_up_with_exact_totals()
    {
        var down = true;
        await using var otlp = new LoopbackOtlpServer((_, _) => Volatile.Read(ref down) ? OtlpAnswer.Error(503, "unavailable") : OtlpAnswer.Ok);
        var classic = new CapturingExporter();
        await using var run = new DualRun(classic, otlp);
        var tasks = run.Registry.Counter("NBA-Simulator/ADCE", "TasksCompleted", MetricUnit.Count, default);

        for (var minute = 0; minute < 3; minute++)
        {
            for (var i = 0; i < 100; i++)
            {
                tasks.Record(1);
            }

            (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeFalse("OTLP is down");
            run.Time.Advance(TimeSpan.FromSeconds(60));
        }

        classic.Datums.Sum(d => d.StatisticValues?.Sum ?? d.Value ?? 0).Should().Be(300, "Classic delivered every minute");
        run.Sink.QueuedDatums.Should().Be(0);
        run.Sink.SecondaryQueuedDatums.Should().BeGreaterThan(0, "OTLP keeps what it could not send");
        otlp.Accepted.Should().BeEmpty();

        Volatile.Write(ref down, false);
        (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
        otlp.Accepted.Last().Request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Single().Sum.DataPoints.Single().AsDouble.Should().Be(300);
        run.Sink.SecondaryQueuedDatums.Should().Be(0);
        run.Registry.GetDiagnostics().DatumsDropped.Should().Be(0);
    }

    [Fact]
    public async Task Merged_rollups_for_Classic_are_not_sent_as_OTLP_series()
    {
        await using var otlp = new LoopbackOtlpServer();
        var classic = new CapturingExporter();
        await using var run = new DualRun(classic, otlp);
        var options = new SeriesOptions { RollupWithout = ["Status"] };
        run.Registry.Distribution("NBA-Simulator/ADCE", "DataExtractionDuration", MetricUnit.Milliseconds, options, new MetricDimension("Status", "success")).Record(10);
        run.Registry.Distribution("NBA-Simulator/ADCE", "DataExtractionDuration", MetricUnit.Milliseconds, options, new MetricDimension("Status", "failure")).Record(20);

        (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();

        classic.Datums.Should().Contain(d => d.Dimensions.Count == 0, "Classic gets the rollup as a metric of its own");
        var points = otlp.Accepted.SelectMany(r => r.Request.ResourceMetrics[0].ScopeMetrics[0].Metrics).SelectMany(m => m.ExponentialHistogram.DataPoints).ToList();
        points.Should().HaveCount(2, "PromQL sums over Status itself; a merged series would count each sample twice");
        points.Should().OnlyContain(p => p.Attributes.Any(a => a.Key == "Status"));
        points.Sum(p => (long)p.Count).Should().Be(2);
    }

    [Fact]
    public void SecondaryExporter_must_be_Otlp_beside_Classic_or_Emf()
    {
        var options = new NbaObservabilityOptions { Exporter = MetricExporterKind.Otlp, SecondaryExporter = MetricExporterKind.Otlp };

        var build = () => new BufferedMetricSink(new MetricRegistry(options), new CapturingExporter(), options);

        build.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*SecondaryExporter is Otlp with Exporter Otlp*");
    }

    private sealed class HangingExporter(Task release) : IMetricExporter
    {
        public List<MetricDatum> Delivered { get; } = [];

        public int EstimateSize(MetricDatum datum) => 100;

        public async Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
        {
            await release.WaitAsync(cancellationToken);
            lock (Delivered)
            {
                Delivered.AddRange(batch);
            }

            return new ExportResult(1, 100);
        }
    }

    private sealed class DualRun : IAsyncDisposable
    {
        public DualRun(IMetricExporter classic, LoopbackOtlpServer otlp)
        {
            var options = new NbaObservabilityOptions { Exporter = MetricExporterKind.CloudWatch, SecondaryExporter = MetricExporterKind.Otlp };
            Time = new FakeTimeProvider(Start);
            Registry = new MetricRegistry(options, Time);
            Otlp = new OtlpExporter(OtlpExporterTests.Options(otlp), OtlpExporterTests.Credentials, timeProvider: Time);
            Sink = new BufferedMetricSink(Registry, classic, Otlp, options);
        }

        public FakeTimeProvider Time { get; }

        public MetricRegistry Registry { get; }

        public OtlpExporter Otlp { get; }

        public BufferedMetricSink Sink { get; }

        public async ValueTask DisposeAsync()
        {
            await Sink.DisposeAsync();
            Otlp.Dispose();
        }
    }
}
