using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Tests.Export.Otlp;
using NbaSim.Observability.Tests.Infrastructure;
using OpenTelemetry.Proto.Metrics.V1;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>
/// Red team, issue 23 (OTLP exporter and dual-write). Each test asserts the correct behaviour and fails on the code
/// under attack because of the defect it names.
/// </summary>
public sealed class RedTeam23AttackTests
{
    private const string Ns = "NBA-Simulator/RedTeam";
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);

    private static IEnumerable<Metric> Metrics(OtlpReceived received) => received.Request.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics);

    private static IEnumerable<string> Names(OtlpReceived received) => Metrics(received).Select(m => m.Name);

    // ---------------------------------------------------------------------------------------------------------------
    // 1. Dual-write: a secondary destination that outlives the shutdown deadline costs the primary its final drain.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task Stop_with_a_hung_secondary_still_delivers_the_primarys_last_period()
    {
        var options = new NbaObservabilityOptions
        {
            Exporter = MetricExporterKind.CloudWatch,
            SecondaryExporter = MetricExporterKind.Otlp,
            FlushInterval = TimeSpan.FromMilliseconds(100),
            ShutdownTimeout = TimeSpan.FromSeconds(1),
        };
        var registry = new MetricRegistry(options, new FakeTimeProvider(Start));
        var primary = new CapturingExporter();
        var secondary = new HangsUntilCancelled();
        await using var sink = new BufferedMetricSink(registry, primary, secondary, options);
        sink.Start();

        // The secondary's drain loop enters an export that only ends when cancelled (an OTLP endpoint black-holing
        // connections, with the SDK's timeouts and retries, behaves the same way).
        sink.Enqueue(MetricDatum.CreateValue(Ns, "Warmup", 1, MetricUnit.Count, Start, now: Start));
        await secondary.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        // The last, still open period: harvested by the stop, for the primary (healthy) to deliver.
        registry.Counter(Ns, "TasksCompleted", MetricUnit.Count, default).Record(5);
        await sink.StopAsync(TestContext.Current.CancellationToken);

        primary.Datums.Where(d => d.MetricName == "TasksCompleted").Sum(d => d.Value ?? d.StatisticValues?.Sum ?? 0)
            .Should().Be(5, "the primary is healthy: the secondary's hang must not cost it its final drain ('one path's outage never holds the other')");
        registry.GetDiagnostics().DatumsDropped.Should().Be(0, "the registry's diagnostics count the primary, which lost nothing");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. A datum refused by a 400 is counted as dropped, yet stays in the cumulative state and is delivered later.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task A_datum_refused_with_400_is_not_also_delivered_by_the_next_cumulative_point()
    {
        await using var server = new LoopbackOtlpServer((_, attempt) => attempt == 1 ? OtlpAnswer.Error(400, "rejected") : OtlpAnswer.Ok);
        using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new FakeTimeProvider(Start));

        var refused = MetricDatum.CreateDistribution(Ns, "Latency", [10, 20], null, MetricUnit.Milliseconds, Start - TimeSpan.FromMinutes(1), now: Start);
        var first = await exporter.ExportAsync([refused], TestContext.Current.CancellationToken);
        var next = MetricDatum.CreateDistribution(Ns, "Latency", [30], null, MetricUnit.Milliseconds, Start, now: Start);
        await exporter.ExportAsync([next], TestContext.Current.CancellationToken);

        var delivered = (long)Metrics(server.Accepted.Single()).Single().ExponentialHistogram.DataPoints.Single().Count;
        var countedDropped = first.RejectedDatums > 0 ? 2 : 0; // the refused datum held 2 samples
        (delivered + countedDropped).Should().Be(3, $"each sample is either delivered or counted as dropped, not both (delivered {delivered}, counted dropped {countedDropped})");
    }

    [Fact]
    public async Task Datums_the_OTLP_queue_drops_on_overflow_are_not_also_delivered()
    {
        var down = true;
        await using var server = new LoopbackOtlpServer((_, _) => Volatile.Read(ref down) ? OtlpAnswer.Error(503, "unavailable") : OtlpAnswer.Ok);
        await using var run = new OtlpExporterTests.OtlpRun(server, new NbaObservabilityOptions { Exporter = MetricExporterKind.Otlp, MaxQueuedDatums = 1000 });

        MetricDatum Sample() => MetricDatum.CreateDistribution(Ns, "Latency", [10], null, MetricUnit.Milliseconds, Start, now: Start);
        for (var i = 0; i < 1000; i++)
        {
            run.Sink.Enqueue(Sample());
        }

        (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeFalse("the endpoint is down");

        // 1,000 more: the queue holds 1,000, so the oldest (the ones the failed export already absorbed) are dropped.
        for (var i = 0; i < 1000; i++)
        {
            run.Sink.Enqueue(Sample());
        }

        Volatile.Write(ref down, false);
        (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();

        var delivered = (long)Metrics(server.Accepted.Last()).Single().ExponentialHistogram.DataPoints.Single().Count;
        var dropped = run.Registry.GetDiagnostics().DatumsDropped;
        (delivered + dropped).Should().Be(2000, $"delivered + counted-dropped = recorded (delivered {delivered}, counted dropped {dropped})");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. A 400 refuses a series (one point) but counts one datum, whatever the number of the batch's datums it carries.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task A_400_on_a_series_counts_every_datum_of_that_series_as_rejected()
    {
        await using var server = new LoopbackOtlpServer((r, _) => Names(r).Contains("Bad") ? OtlpAnswer.Error(400, "metric Bad: invalid") : OtlpAnswer.Ok);
        using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new FakeTimeProvider(Start));
        MetricDatum Gauge(string name, int minutesAgo) => MetricDatum.CreateValue(Ns, name, minutesAgo, MetricUnit.Count, Start - TimeSpan.FromMinutes(minutesAgo), now: Start);

        // Three minutes of the same series (a backlog after an outage), and another series.
        var result = await exporter.ExportAsync([Gauge("Bad", 3), Gauge("Bad", 2), Gauge("Bad", 1), Gauge("Good", 1)], TestContext.Current.CancellationToken);

        server.Accepted.SelectMany(Names).Should().Equal("Good");
        result.RejectedDatums.Should().Be(3, "three datums were refused; the pipeline counts the other 3 - RejectedDatums as delivered");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 4. 400 bisection: a half delivered before the other half fails (503) is handed back as undelivered.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task A_half_delivered_during_400_isolation_is_not_handed_back_when_the_other_half_fails()
    {
        await using var server = new LoopbackOtlpServer((r, _) =>
        {
            var names = Names(r).ToHashSet();
            return names.SetEquals(["A", "B"]) ? OtlpAnswer.Error(400, "one of them is bad")
                : names.Contains("A") ? OtlpAnswer.Ok
                : OtlpAnswer.Error(503, "unavailable");
        });
        using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new FakeTimeProvider(Start));
        var a = MetricDatum.CreateValue(Ns, "A", 1, MetricUnit.Count, Start, now: Start);
        var b = MetricDatum.CreateValue(Ns, "B", 2, MetricUnit.Count, Start, now: Start);

        ExportResult? result = null;
        Exception? thrown = null;
        try
        {
            result = await exporter.ExportAsync([a, b], TestContext.Current.CancellationToken);
        }
        catch (Exception ex)
        {
            thrown = ex;
        }

        server.Accepted.SelectMany(Names).Should().Equal("A");
        thrown.Should().BeNull("A was delivered (HTTP 200): throwing hands the whole batch back, so A's datum is resent by the next process from the spool (counted twice) or counted as dropped at stop");
        result!.Value.Undelivered.Should().NotBeNull().And.Equal(b);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 5. The first datum of a series fixes its OTLP type forever: a counter seen first without its kind (a spool file
    //    of the previous version, or a caller's datum) turns the counter into a Gauge of its last delta.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task A_counter_stays_a_monotonic_Sum_after_a_datum_without_kind_from_an_older_spool()
    {
        await using var server = new LoopbackOtlpServer();
        using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new FakeTimeProvider(Start));

        // As the previous version's spool file reads back: no "k", so Kind is null.
        var fromOldSpool = MetricDatum.CreateValue(Ns, "TasksCompleted", 5, MetricUnit.Count, Start - TimeSpan.FromMinutes(2), now: Start);
        var counter = new MetricDatum(Ns, "TasksCompleted", [], MetricUnit.Count, Start - TimeSpan.FromMinutes(1), 60, 3, null, null, null) { Kind = MetricKind.Counter };
        await exporter.ExportAsync([fromOldSpool], TestContext.Current.CancellationToken);
        await exporter.ExportAsync([counter], TestContext.Current.CancellationToken);

        var last = Metrics(server.Accepted.Last()).Single();
        last.DataCase.Should().Be(Metric.DataOneofCase.Sum, "TasksCompleted is a counter: PromQL's rate() needs a monotonic Sum, not a Gauge of the last delta");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 6. Fractional counts (valid for CloudWatch) break the histogram's exact count and sum and the OTLP invariant
    //    count = zero_count + sum(bucket_counts).
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task Fractional_counts_keep_the_histograms_exact_count_and_sum_and_its_bucket_invariant()
    {
        await using var server = new LoopbackOtlpServer();
        using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new FakeTimeProvider(Start));
        var values = MetricDatum.CreateDistribution(Ns, "Values", [1, 2], [1.5, 1.5], MetricUnit.Milliseconds, Start, now: Start);
        var stats = MetricDatum.CreateStatistics(Ns, "Stats", new StatisticSet(3, 4.5, 1, 2), MetricUnit.Milliseconds, Start, values: [1, 2], counts: [1.5, 1.5], now: Start);

        await exporter.ExportAsync([values, stats], TestContext.Current.CancellationToken);

        var points = Metrics(server.Accepted.Single()).ToDictionary(m => m.Name, m => m.ExponentialHistogram.DataPoints.Single());
        foreach (var (name, point) in points)
        {
            var buckets = (ulong)(point.Positive?.BucketCounts.Sum(c => (long)c) ?? 0) + (ulong)(point.Negative?.BucketCounts.Sum(c => (long)c) ?? 0) + point.ZeroCount;
            buckets.Should().Be(point.Count, $"{name}: count = zero_count + the buckets (OTLP data model)");
        }

        points["Values"].Count.Should().Be(3, "1.5 + 1.5 samples");
        points["Values"].Sum.Should().Be(4.5, "1 × 1.5 + 2 × 1.5: the exact sum Classic receives");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 7. The secondary lane logs a warning for every datum it drops: an OTLP outage floods the log.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task The_secondarys_drops_are_logged_rarely_like_the_primarys()
    {
        var options = new NbaObservabilityOptions { Exporter = MetricExporterKind.CloudWatch, SecondaryExporter = MetricExporterKind.Otlp, MaxQueuedDatums = 1000 };
        var registry = new MetricRegistry(options, new FakeTimeProvider(Start));
        var logs = new FakeLogger<BufferedMetricSink>();
        await using var sink = new BufferedMetricSink(registry, new CapturingExporter(), new CapturingExporter(), options, logs);

        // Nothing drains (an outage on both sides): 3,000 datums into queues of 1,000.
        for (var i = 0; i < 3000; i++)
        {
            sink.Enqueue(MetricDatum.CreateValue(Ns, "Depth", i, MetricUnit.Count, Start, now: Start));
        }

        var snapshot = logs.Collector.GetSnapshot();
        var secondary = snapshot.Count(l => l.Message.Contains("secondary destination", StringComparison.Ordinal));
        secondary.Should().BeLessThanOrEqualTo(32, "2,000 drops; the primary logs its own at powers of two ('a flood cannot flood the log')");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 8. Spreading the recording histogram's overflow bucket (above 2^64) linearly over [Minimum, Maximum] moves a
    //    sample by hundreds of octaves: histogram_quantile's answer is off by far more than the promised 1 %.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task Samples_above_2_to_the_64_keep_their_percentiles_within_1_percent()
    {
        await using var server = new LoopbackOtlpServer();
        await using var run = new OtlpExporterTests.OtlpRun(server);
        var sizes = run.Registry.Distribution(Ns, "ObjectBytes", MetricUnit.Bytes, default);
        double[] samples = [Math.ScaleB(1.5, 64), Math.ScaleB(1, 300)]; // both valid CloudWatch values (below 2^360)
        foreach (var sample in samples)
        {
            sizes.Record(sample);
        }

        (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();

        var point = Metrics(server.Accepted.Single()).Single().ExponentialHistogram.DataPoints.Single();
        point.Min.Should().Be(samples[0], "min is exact");
        var exact = PrometheusQuantile.Exact(samples, 0.5);
        var p50 = PrometheusQuantile.Of(point, 0.5);
        (p50 / exact).Should().BeInRange(0.99, 1.01, $"p50 as histogram_quantile reads the buckets: {p50:E3}, exact {exact:E3} (buckets at scale {point.Scale} from index {point.Positive.Offset})");
    }

    /// <summary>An exporter whose export ends only when cancelled.</summary>
    private sealed class HangsUntilCancelled : IMetricExporter
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int EstimateSize(MetricDatum datum) => 100;

        public async Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return new ExportResult(1, 100);
        }
    }
}
