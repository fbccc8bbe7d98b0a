using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Pipeline;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Attacks;

public sealed class RuntimeAttackTests : IDisposable
{
    private const string Ns = "NBA-Simulator/ADCE";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nbasim-rt-");

    public void Dispose() => _dir.Delete(recursive: true);

    // Finding 1: a backlog batch made only of expired datums is replaced by the current lane's lease; its Expired count is lost.
    [Fact]
    public async Task Expired_backlog_datums_leased_beside_fresh_ones_are_counted_as_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Path.Combine(_dir.FullName, "spool");
        var real = DateTimeOffset.UtcNow;
        var old = real - MetricLimits.MaxAge + TimeSpan.FromMinutes(1);
        using (var store = new SpoolStore(dir, NullLogger.Instance))
        {
            store.Write(Enumerable.Range(0, 5).Select(i => MetricDatum.CreateValue(Ns, "Old", i, MetricUnit.Count, old, now: old)).ToList());
        }

        var time = new FakeTimeProvider(real + TimeSpan.FromMinutes(5)); // the backlog is now past CloudWatch's 14 days
        var options = new NbaObservabilityOptions();
        options.Spool.Directory = dir;
        var registry = new MetricRegistry(options, time);
        var exporter = new CapturingExporter();
        await using var sink = new BufferedMetricSink(registry, exporter, options);
        registry.Counter(Ns, "Fresh").Increment();

        (await sink.ForceFlushAsync(ct)).Should().BeTrue();

        var d = registry.GetDiagnostics();
        exporter.Datums.Should().ContainSingle();
        Directory.GetFiles(dir, "*.spool").Should().BeEmpty("the expired backlog file was acknowledged and deleted");
        (d.DatumsExported + d.DatumsDropped + sink.QueuedDatums).Should().Be(6, "5 expired backlog datums (dropped) + 1 fresh (delivered)");
    }

    // Finding 2: with the spool on and the disk refusing writes, a datum in flight from memory at the stop is counted as
    // dropped; when the export then delivers it, nothing corrects the count (the memory queue has that correction).
    [Fact]
    public async Task Disk_queue_memory_datum_in_flight_at_stop_then_delivered_is_counted_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Path.Combine(_dir.FullName, "spool");
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(200) };
        options.Spool.Directory = dir;
        var registry = new MetricRegistry(options);
        var hung = new GatedExporter();
        var sink = new BufferedMetricSink(registry, hung, options);
        Directory.Move(dir, dir + "-gone"); // every spool write now fails: datums are kept in memory
        registry.Counter(Ns, "Raced").Increment();
        var flush = Task.Run(() => sink.ForceFlushAsync(CancellationToken.None), ct);
        SpinWait.SpinUntil(() => hung.Calls > 0, TimeSpan.FromSeconds(30)).Should().BeTrue();

        await sink.StopAsync(ct);
        hung.Release(); // the export ignored cancellation; it delivers after all
        await flush;
        SpinWait.SpinUntil(() => registry.GetDiagnostics().DatumsExported > 0, TimeSpan.FromSeconds(10));

        var d = registry.GetDiagnostics();
        d.DatumsExported.Should().Be(1);
        (d.DatumsExported + d.DatumsDropped).Should().Be(1, "one datum was accepted: delivered once, not also dropped");
    }

    // Finding 3: ForceFlushAsync after the stop drops what it harvests (counted) and still answers "everything delivered".
    [Fact]
    public async Task ForceFlush_after_stop_that_drops_its_harvest_does_not_report_success()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new MetricRegistry(new NbaObservabilityOptions());
        var exporter = new CapturingExporter();
        var sink = new BufferedMetricSink(registry, exporter, new NbaObservabilityOptions());
        sink.Start();
        await sink.StopAsync(ct);
        registry.Counter(Ns, "Late").Increment();

        var delivered = await sink.ForceFlushAsync(ct);

        registry.GetDiagnostics().DatumsDropped.Should().Be(1);
        exporter.Datums.Should().BeEmpty();
        delivered.Should().BeFalse("the datum it harvested was dropped, not delivered");
    }

    // Finding 4: an export that outlives DisposeAsync and succeeds is counted as delivered, and its spool file is left on
    // disk (Complete returns early once closed): the next start sends the same datum again.
    [Fact]
    public async Task Export_completing_after_dispose_is_not_sent_again_by_the_next_start()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(200), Spool = new SpoolOptions { Directory = _dir.FullName } };
        var registry = new MetricRegistry(options);
        var hung = new GatedExporter();
        var sink = new BufferedMetricSink(registry, hung, options);
        registry.Counter(Ns, "Once").Add(5);
        var flush = Task.Run(() => sink.ForceFlushAsync(CancellationToken.None), ct);
        SpinWait.SpinUntil(() => hung.Calls > 0, TimeSpan.FromSeconds(30)).Should().BeTrue();
        await sink.DisposeAsync();
        hung.Release();
        await flush;
        registry.GetDiagnostics().DatumsExported.Should().Be(1, "the hung export delivered after all");

        var next = new MetricRegistry(options);
        var exporter = new CapturingExporter();
        await using (var sink2 = new BufferedMetricSink(next, exporter, options))
        {
            (await sink2.ForceFlushAsync(ct)).Should().BeTrue();
        }

        exporter.Datums.Where(d => d.MetricName == "Once").Should().BeEmpty("it was delivered once already");
    }
}
