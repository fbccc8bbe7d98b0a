using Microsoft.Extensions.Logging.Testing;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Pipeline;

/// <summary>
/// Flush and stop count every accepted datum once: delivered, kept in the spool, or dropped (issue 20, items 5–7, 17,
/// 18 and 19). Every exporter here is one the stop cannot trust: hung, slow, or failing.
/// </summary>
public sealed class StopAccountingTests : IDisposable
{
    private const string Ns = "NBA-Simulator/ADCE";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nbasim-stop-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task With_the_spool_on_and_an_export_hung_the_final_harvest_is_written_to_disk_not_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromSeconds(1), Spool = new SpoolOptions { Directory = _dir.FullName } };
        var registry = new MetricRegistry(options);
        var hung = new GatedExporter();
        var sink = new BufferedMetricSink(registry, hung, options);
        sink.Start();
        registry.Counter(Ns, "Before").Add(5);
        _ = Task.Run(() => sink.ForceFlushAsync(CancellationToken.None), ct); // its export hangs and ignores cancellation
        SpinWait.SpinUntil(() => hung.Calls > 0, TimeSpan.FromSeconds(30)).Should().BeTrue();

        registry.Counter(Ns, "During").Add(7); // the open period at stop
        await sink.DisposeAsync();
        registry.GetDiagnostics().DatumsDropped.Should().Be(0, "what could not be sent stays on disk");

        // The next start sends both: the hung batch (never acknowledged) and the final harvest.
        var next = new MetricRegistry(options);
        var exporter = new CapturingExporter();
        await using (var sink2 = new BufferedMetricSink(next, exporter, options))
        {
            (await sink2.ForceFlushAsync(ct)).Should().BeTrue();
        }

        exporter.Datums.Where(d => d.MetricName == "During").Sum(d => d.StatisticValues!.Value.Sum).Should().Be(7);
        exporter.Datums.Where(d => d.MetricName == "Before").Sum(d => d.StatisticValues!.Value.Sum).Should().Be(5);
        hung.Release();
    }

    [Fact]
    public async Task A_flush_racing_the_stop_is_counted_once_delivered_not_also_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(200) };
        var registry = new MetricRegistry(options);
        var slow = new GatedExporter();
        var sink = new BufferedMetricSink(registry, slow, options);
        sink.Start();
        registry.Counter(Ns, "Raced").Increment();
        var flush = Task.Run(() => sink.ForceFlushAsync(CancellationToken.None), ct);
        SpinWait.SpinUntil(() => slow.Calls > 0, TimeSpan.FromSeconds(30)).Should().BeTrue();

        await sink.StopAsync(ct);
        slow.Release(); // the export delivers after the stop gave up on it
        await flush.WaitAsync(TimeSpan.FromSeconds(30), ct);

        var diagnostics = registry.GetDiagnostics();
        (diagnostics.DatumsExported, diagnostics.DatumsDropped).Should().Be((1L, 0L), "delivered + dropped = recorded");
    }

    [Fact]
    public async Task An_export_that_never_returns_is_counted_as_dropped_at_the_stop()
    {
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(300) };
        var registry = new MetricRegistry(options);
        var sink = new BufferedMetricSink(registry, new GatedExporter(), options);
        sink.Start();
        registry.Counter(Ns, "Lost").Increment();
        _ = Task.Run(() => sink.ForceFlushAsync(CancellationToken.None), TestContext.Current.CancellationToken);
        await sink.StopAsync(TestContext.Current.CancellationToken);

        var diagnostics = registry.GetDiagnostics();
        (diagnostics.DatumsExported, diagnostics.DatumsDropped).Should().Be((0L, 1L));
    }

    [Fact]
    public async Task ForceFlushAsync_says_whether_everything_was_delivered()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pipeline = new Infrastructure.Pipeline();
        pipeline.Registry.Counter(Ns, "Flushed").Increment();
        (await pipeline.Sink.ForceFlushAsync(ct)).Should().BeTrue();

        pipeline.Exporter.Fail = _ => new HttpRequestException("endpoint down");
        pipeline.Registry.Counter(Ns, "Flushed").Increment();
        (await pipeline.Sink.ForceFlushAsync(ct)).Should().BeFalse("nothing was delivered");
        pipeline.Sink.QueuedDatums.Should().Be(1, "kept for the next flush");
    }

    [Fact]
    public async Task A_datum_published_after_the_stop_is_a_counted_drop_without_a_spool_and_kept_with_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var logger = new FakeLogger<BufferedMetricSink>();
        var plain = new NbaObservabilityOptions();
        var registry = new MetricRegistry(plain);
        var sink = new BufferedMetricSink(registry, new CapturingExporter(), plain, logger);
        sink.Start();
        await sink.StopAsync(ct);
        registry.Enqueue(MetricDatum.CreateValue(Ns, "Late", 1, MetricUnit.Count, DateTimeOffset.UtcNow)).Should().BeFalse();
        registry.GetDiagnostics().DatumsDropped.Should().Be(1);
        logger.Collector.GetSnapshot().Should().ContainSingle(l => l.Message.Contains("has stopped", StringComparison.Ordinal))
            .And.NotContain(l => l.Message.Contains("buffer is full", StringComparison.Ordinal), "a drop says why it happened");

        var spooled = new NbaObservabilityOptions { Spool = new SpoolOptions { Directory = _dir.FullName } };
        var registry2 = new MetricRegistry(spooled);
        var sink2 = new BufferedMetricSink(registry2, new CapturingExporter(), spooled);
        sink2.Start();
        await sink2.StopAsync(ct);
        registry2.Enqueue(MetricDatum.CreateValue(Ns, "Late", 1, MetricUnit.Count, DateTimeOffset.UtcNow)).Should().BeTrue("kept in the spool");
        registry2.GetDiagnostics().DatumsDropped.Should().Be(0);
        await sink2.DisposeAsync();

        var exporter = new CapturingExporter();
        await using (var sink3 = new BufferedMetricSink(new MetricRegistry(spooled), exporter, spooled))
        {
            await sink3.ForceFlushAsync(ct);
        }

        exporter.Datums.Should().ContainSingle(d => d.MetricName == "Late");
    }

    [Fact]
    public async Task A_stop_the_caller_cancels_before_our_ShutdownTimeout_says_which_setting_to_raise()
    {
        var logger = new FakeLogger<BufferedMetricSink>();
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromSeconds(20) };
        var registry = new MetricRegistry(options);
        var sink = new BufferedMetricSink(registry, new GatedExporter(), options, logger);
        sink.Start();
        registry.Counter(Ns, "Cut").Increment();
        using var host = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)); // the host's own, shorter, timeout
        await sink.StopAsync(host.Token).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        logger.Collector.GetSnapshot().Should().Contain(l => l.Message.Contains("HostOptions.ShutdownTimeout", StringComparison.Ordinal));
        registry.GetDiagnostics().DatumsDropped.Should().Be(1);
    }
}
