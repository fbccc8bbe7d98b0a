using Microsoft.Extensions.Logging.Testing;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Pipeline;

public class BufferedMetricSinkTests
{
    [Fact]
    public async Task A_million_samples_over_100_series_in_one_period_leave_as_one_batch_of_100_datums()
    {
        await using var p = new Infrastructure.Pipeline();
        var series = Enumerable.Range(0, 100)
            .Select(i => p.Registry.Distribution("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds, new MetricDimension("Worker", $"w{i}")))
            .ToArray();
        for (var i = 0; i < 1_000_000; i++)
        {
            series[i % 100].Record(0.25 + ((i % 7) * 0.01));
        }

        p.Time.Advance(TimeSpan.FromSeconds(60));
        await p.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        p.Exporter.Batches.Should().ContainSingle().Which.Should().HaveCount(100);
        p.Exporter.Datums.Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(1_000_000);
        p.Registry.GetDiagnostics().BatchesExported.Should().Be(1);
    }

    [Fact]
    public async Task A_registry_is_drained_by_one_live_sink_and_a_second_is_refused_until_the_first_is_disposed()
    {
        var options = new NbaObservabilityOptions();
        var registry = new MetricRegistry(options, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Infrastructure.Pipeline.Start));
        var first = new CapturingExporter();
        var second = new CapturingExporter();
        var sink = new BufferedMetricSink(registry, first, options);

        var another = () => new BufferedMetricSink(registry, second, options);
        another.Should().Throw<InvalidOperationException>().WithMessage("*already drained by another BufferedMetricSink*");
        registry.Enqueue(Datums(1).Single()).Should().BeTrue();
        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        first.Datums.Should().ContainSingle("the first sink still owns the registry after the refused one");

        await sink.DisposeAsync();
        await using var replacement = new BufferedMetricSink(registry, second, options);
        registry.Enqueue(Datums(1).Single()).Should().BeTrue();
        await replacement.ForceFlushAsync(TestContext.Current.CancellationToken);
        second.Datums.Should().ContainSingle();
    }

    [Fact]
    public async Task The_obsolete_Publish_name_still_enqueues_through_the_interface()
    {
        await using var p = new Infrastructure.Pipeline();
        INbaMetrics metrics = p.Registry;
        var datum = Datums(1).Single();
#pragma warning disable CS0618 // the forwarder under test
        metrics.Publish(datum).Should().BeTrue();
#pragma warning restore CS0618
        await p.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        p.Exporter.Datums.Should().ContainSingle().Which.MetricName.Should().Be(datum.MetricName);
    }

    [Fact]
    public async Task Batches_split_at_1000_datums()
    {
        await using var p = new Infrastructure.Pipeline();
        foreach (var datum in Datums(2500))
        {
            p.Registry.Enqueue(datum).Should().BeTrue();
        }

        await p.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        p.Exporter.Batches.Select(b => b.Count).Should().Equal(1000, 1000, 500);
    }

    [Fact]
    public async Task Batches_split_at_the_byte_limit()
    {
        await using var p = new Infrastructure.Pipeline();
        p.Exporter.Size = _ => 300_000; // four of these exceed 1 MB
        foreach (var datum in Datums(10))
        {
            p.Registry.Enqueue(datum);
        }

        await p.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        p.Exporter.Batches.Select(b => b.Count).Should().Equal(3, 3, 3, 1);
        p.Exporter.Batches.Should().OnlyContain(b => b.Count * 300_000 <= MetricLimits.MaxRequestBytes);
    }

    [Fact]
    public async Task Stopping_flushes_the_open_period()
    {
        await using var p = new Infrastructure.Pipeline();
        p.Sink.Start();
        p.Registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted").Add(42);

        await p.Sink.StopAsync(TestContext.Current.CancellationToken);

        p.Exporter.Datums.Should().ContainSingle().Which.StatisticValues!.Value.Sum.Should().Be(42);
    }

    [Fact]
    public async Task A_full_buffer_drops_the_oldest_without_blocking_and_counts_the_drops()
    {
        var logger = new FakeLogger<BufferedMetricSink>();
        var options = new NbaObservabilityOptions { MaxQueuedDatums = 1000 };
        await using var p = new Infrastructure.Pipeline(options, logger: logger);
        var sink = p.Sink;

        var accepted = Datums(1500).Count(d => p.Registry.Enqueue(d));

        accepted.Should().Be(1500);
        p.Registry.GetDiagnostics().DatumsDropped.Should().Be(500);
        p.Registry.GetDiagnostics().QueuedDatums.Should().Be(1000);
        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        p.Exporter.Datums.Select(d => d.MetricName).Should().BeEquivalentTo(Enumerable.Range(500, 1000).Select(i => $"M{i}"), "the newest datums survive an outage; the oldest are the ones dropped");
        logger.Collector.GetSnapshot().Should().NotBeEmpty().And.OnlyContain(r => r.Message.Contains("buffer is full"));
        logger.Collector.Count.Should().BeLessThan(12, "drops are logged at powers of two, not one line each");
    }

    [Fact]
    public async Task A_failed_export_keeps_the_batch_and_delivers_it_next_time()
    {
        await using var p = new Infrastructure.Pipeline();
        var failures = 1;
        p.Exporter.Fail = _ => failures-- > 0 ? new HttpRequestException("outage") : null;
        p.Registry.Counter("NBA-Simulator/ADCE", "ADCETasksFailed").Add(3);

        await p.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        p.Exporter.Batches.Should().BeEmpty();
        p.Registry.GetDiagnostics().ExportFailures.Should().Be(1);
        p.Sink.QueuedDatums.Should().Be(1);

        await p.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        p.Exporter.Datums.Should().ContainSingle().Which.StatisticValues!.Value.Sum.Should().Be(3);
        p.Registry.GetDiagnostics().DatumsDropped.Should().Be(0);
    }

    [Fact]
    public async Task Datums_that_age_past_14_days_while_undeliverable_are_dropped_and_counted()
    {
        await using var p = new Infrastructure.Pipeline();
        p.Exporter.Fail = _ => new HttpRequestException("outage");
        p.Registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/ADCE", "Old", 1, MetricUnit.Count, p.Time.GetUtcNow(), now: p.Time.GetUtcNow()));
        await p.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        p.Time.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        p.Exporter.Fail = null;
        await p.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        p.Exporter.Batches.Should().BeEmpty();
        p.Registry.GetDiagnostics().DatumsDropped.Should().Be(1);
    }

    [Fact]
    public async Task The_background_publisher_exports_closed_periods_without_a_flush_call()
    {
        await using var p = new Infrastructure.Pipeline(new NbaObservabilityOptions { FlushInterval = TimeSpan.FromMilliseconds(100) });
        p.Sink.Start();
        p.Registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted").Add(1);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (p.Exporter.Batches.IsEmpty && DateTime.UtcNow < deadline)
        {
            p.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        p.Exporter.Datums.Should().ContainSingle().Which.Timestamp.Should().Be(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    }

    private static IEnumerable<MetricDatum> Datums(int count)
    {
        var now = Infrastructure.Pipeline.Start;
        return Enumerable.Range(0, count).Select(i => MetricDatum.CreateValue("NBA-Simulator/ADCE", $"M{i}", i, MetricUnit.Count, now, now: now));
    }
}
