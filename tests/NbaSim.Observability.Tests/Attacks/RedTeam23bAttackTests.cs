using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Tests.Export.Otlp;
using NbaSim.Observability.Tests.Infrastructure;
using OpenTelemetry.Proto.Metrics.V1;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>
/// Red team, issue 23, second round (the per-series export transaction). Each test asserts the correct behaviour and
/// fails on the code under attack because of the defect it names.
/// </summary>
public sealed class RedTeam23bAttackTests
{
    private const string Ns = "NBA-Simulator/RedTeamB";
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);

    private static IEnumerable<Metric> Metrics(OtlpReceived received) => received.Request.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics);

    private static MetricDatum OldSpoolCounter(double value, int minutesAgo)
        => MetricDatum.CreateValue(Ns, "TasksCompleted", value, MetricUnit.Count, Start - TimeSpan.FromMinutes(minutesAgo), now: Start); // no kind: as an older spool file reads back

    private static MetricDatum Counter(double value, int minutesAgo)
        => new(Ns, "TasksCompleted", [], MetricUnit.Count, Start - TimeSpan.FromMinutes(minutesAgo), 60, value, null, null, null) { Kind = MetricKind.Counter };

    // ---------------------------------------------------------------------------------------------------------------
    // 1. Kind replacement mid-batch: the datum absorbed into the replaced (guessed) series is settled by the NEW
    //    series' outcome. When the new series is delivered and the old one is not, the datum is neither delivered,
    //    nor handed back, nor counted as refused: lost, and counted as delivered by the pipeline.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task A_datum_of_a_guessed_series_replaced_in_the_same_batch_is_not_silently_lost()
    {
        await using var server = new LoopbackOtlpServer((r, _) =>
        {
            var kinds = Metrics(r).Select(m => m.DataCase).ToHashSet();
            return kinds.Count > 1 ? OtlpAnswer.Error(400, "TasksCompleted: conflicting types in one request")
                : kinds.Contains(Metric.DataOneofCase.Sum) ? OtlpAnswer.Ok
                : OtlpAnswer.Error(503, "unavailable");
        });
        using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new FakeTimeProvider(Start));
        var old = OldSpoolCounter(5, 2);
        var counter = Counter(3, 1);

        ExportResult? result = null;
        try
        {
            result = await exporter.ExportAsync([old, counter], TestContext.Current.CancellationToken);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            return; // the whole batch handed back: nothing lost
        }

        var deliveredWithOld = server.Accepted.SelectMany(Metrics).Any(m =>
            (m.DataCase == Metric.DataOneofCase.Sum && m.Sum.DataPoints.Any(p => p.AsDouble >= 8))
            || (m.DataCase == Metric.DataOneofCase.Gauge && m.Gauge.DataPoints.Any(p => p.AsDouble == 5)));
        var handedBack = result!.Value.Undelivered?.Contains(old) ?? false;
        var countedRefused = result.Value.RejectedDatums > 0;
        (deliveredWithOld || handedBack || countedRefused).Should().BeTrue(
            $"the datum of 5 must be delivered, handed back or counted as refused; it was none (accepted: {string.Join("; ", server.Accepted.SelectMany(Metrics).Select(m => m.ToString()))}, undelivered {result.Value.Undelivered?.Count ?? 0}, rejected {result.Value.RejectedDatums})");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. Same root cause, no failure at all: the batch's order decides whether a kind-less counter datum counts in
    //    the counter's Sum, and [old, new] sends TasksCompleted twice in one request, as a Gauge and as a Sum.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task A_kindless_counter_datum_counts_in_the_Sum_whatever_its_place_in_the_batch()
    {
        await using var server = new LoopbackOtlpServer();
        using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new FakeTimeProvider(Start));

        await exporter.ExportAsync([OldSpoolCounter(5, 2), Counter(3, 1)], TestContext.Current.CancellationToken);

        var metrics = Metrics(server.Accepted.Single()).Where(m => m.Name == "TasksCompleted").ToList();
        metrics.Select(m => m.DataCase).Should().Equal([Metric.DataOneofCase.Sum], "one metric, one type per name (the batch [new, old] gives exactly that)");
        metrics[0].Sum.DataPoints.Single().AsDouble.Should().Be(8, "5 + 3, as the batch [new, old] delivers");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. partial_success: the rejected point is counted as dropped, but its series is committed, so the samples stay in
    //    the cumulative state and the next point delivers them: counted dropped AND delivered (round 1's 400 finding,
    //    on the 200-with-partial_success path).
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task A_point_rejected_by_partial_success_is_not_also_delivered_by_the_next_cumulative_point()
    {
        await using var server = new LoopbackOtlpServer((_, attempt) => attempt == 1 ? OtlpAnswer.Partial(1, "data point rejected") : OtlpAnswer.Ok);
        using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new FakeTimeProvider(Start));

        var first = MetricDatum.CreateDistribution(Ns, "Latency", [10, 20], null, MetricUnit.Milliseconds, Start - TimeSpan.FromMinutes(1), now: Start);
        var result = await exporter.ExportAsync([first], TestContext.Current.CancellationToken);
        await exporter.ExportAsync([MetricDatum.CreateDistribution(Ns, "Latency", [30], null, MetricUnit.Milliseconds, Start, now: Start)], TestContext.Current.CancellationToken);

        var delivered = (long)Metrics(server.Accepted.Last()).Single().ExponentialHistogram.DataPoints.Single().Count;
        var countedDropped = result.RejectedDatums > 0 ? 2 : 0; // the rejected point held the first datum's 2 samples
        (delivered + countedDropped).Should().Be(3, $"each sample is either delivered or counted as dropped, not both (delivered {delivered}, counted dropped {countedDropped})");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 4. The "absorbed" mark of a delivered datum is never cleared: the same MetricDatum instance enqueued again later
    //    (INbaMetrics.Enqueue is public; a datum is immutable, so reusing one is natural) is silently skipped on OTLP,
    //    while Classic adds it again and the pipeline counts it as delivered.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task The_same_datum_enqueued_twice_is_counted_twice_as_on_Classic()
    {
        await using var server = new LoopbackOtlpServer();
        await using var run = new OtlpExporterTests.OtlpRun(server);
        var datum = MetricDatum.CreateDistribution(Ns, "Latency", [10], null, MetricUnit.Milliseconds, Start, now: Start);

        run.Registry.Enqueue(datum).Should().BeTrue();
        (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
        run.Registry.Enqueue(datum).Should().BeTrue();
        (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();

        var exported = run.Registry.GetDiagnostics().DatumsExported;
        var count = (long)Metrics(server.Accepted.Last()).Single().ExponentialHistogram.DataPoints.Single().Count;
        count.Should().Be(exported, $"the pipeline counts {exported} datums of one sample delivered; the cumulative point holds {count}");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 5. Rollback restores the series but not its metric's Monotonic flag: a negative counter delta the endpoint
    //    refused (never delivered) turns the counter into a non-monotonic Sum for good, which PromQL's rate() reads
    //    as a gauge-like sum.
    // ---------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task A_refused_negative_delta_does_not_leave_the_counter_non_monotonic()
    {
        await using var server = new LoopbackOtlpServer((_, attempt) => attempt == 1 ? OtlpAnswer.Error(400, "rejected") : OtlpAnswer.Ok);
        using var exporter = new OtlpExporter(OtlpExporterTests.Options(server), OtlpExporterTests.Credentials, timeProvider: new FakeTimeProvider(Start));

        var refused = await exporter.ExportAsync([Counter(-1, 2)], TestContext.Current.CancellationToken);
        refused.RejectedDatums.Should().Be(1);
        await exporter.ExportAsync([Counter(4, 1)], TestContext.Current.CancellationToken);

        var sum = Metrics(server.Accepted.Single()).Single().Sum;
        sum.DataPoints.Single().AsDouble.Should().Be(4, "the refused −1 was rolled back");
        sum.IsMonotonic.Should().BeTrue("every delta the series holds is positive: the refused −1 was rolled back");
    }
}
