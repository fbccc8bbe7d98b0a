using Microsoft.Extensions.Time.Testing;

namespace NbaSim.Observability.Tests.Pipeline;

/// <summary>
/// The pipeline learns everything from <see cref="IMetricExporter"/>'s public members: an exporter written outside the
/// library (as the OTLP exporter will be) shapes its batches, chooses how rollups travel, and hands back what it did not
/// deliver, with no change to the pipeline.
/// </summary>
public class ExporterContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public async Task The_exporters_own_batch_limit_applies_when_smaller_than_the_pipelines()
    {
        var exporter = new ThirdPartyExporter { MaxDatums = 7 };
        var (registry, sink) = Create(exporter);
        await using (sink)
        {
            Publish(registry, 30);
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        }

        exporter.Batches.Select(b => b.Count).Should().Equal(7, 7, 7, 7, 2);
    }

    [Fact]
    public async Task The_envelope_of_each_namespace_counts_toward_the_byte_limit()
    {
        // 10 datums of 1,000 B fit in one 1 MB batch; with a 995,000 B envelope only 5 do.
        var exporter = new ThirdPartyExporter { DatumBytes = 1_000, Envelope = 995_000 };
        var (registry, sink) = Create(exporter);
        await using (sink)
        {
            Publish(registry, 10);
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        }

        exporter.Batches.Should().OnlyContain(b => b.Count <= 5);
        exporter.Batches.Sum(b => b.Count).Should().Be(10);
        exporter.EnvelopeAskedFor.Should().Contain("NBA-Simulator/Contract");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_exporter_that_publishes_rollups_as_dimension_sets_gets_no_merged_rollup_datums(bool dimensionSets)
    {
        var exporter = new ThirdPartyExporter { RollupsAsDimensionSets = dimensionSets };
        var (registry, sink) = Create(exporter);
        var time = (FakeTimeProvider)registry.TimeProvider;
        await using (sink)
        {
            var options = new SeriesOptions { RollupWithout = ["Status"] };
            registry.Distribution("NBA-Simulator/Contract", "CallDuration", MetricUnit.Seconds, options, new MetricDimension("Status", "success")).Record(1);
            registry.Distribution("NBA-Simulator/Contract", "CallDuration", MetricUnit.Seconds, options, new MetricDimension("Status", "failure")).Record(2);
            time.Advance(TimeSpan.FromMinutes(1));
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        }

        var withoutStatus = exporter.Batches.SelectMany(b => b).Where(d => d.Dimensions.Count == 0).ToList();
        if (dimensionSets)
        {
            withoutStatus.Should().BeEmpty("the exporter publishes the rollup itself");
            exporter.Batches.SelectMany(b => b).Should().OnlyContain(d => d.Rollup != null);
        }
        else
        {
            withoutStatus.Should().ContainSingle().Which.StatisticValues!.Value.SampleCount.Should().Be(2, "the merged rollup holds both calls");
        }
    }

    [Fact]
    public async Task A_partial_result_keeps_only_what_was_not_delivered_and_sends_it_once_later()
    {
        var exporter = new ThirdPartyExporter { DeliverOnlyFirst = 4 };
        var (registry, sink) = Create(exporter);
        await using (sink)
        {
            Publish(registry, 10);
            (await sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeFalse("part of the batch was not delivered");
            exporter.Delivered.Should().HaveCount(4);
            registry.GetDiagnostics().ExportFailures.Should().Be(1);
            registry.GetDiagnostics().LastExportError.Should().Contain("link down");

            exporter.DeliverOnlyFirst = int.MaxValue;
            (await sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
        }

        exporter.Delivered.Select(d => d.MetricName).Should().OnlyHaveUniqueItems("a delivered datum is never sent again")
            .And.HaveCount(10);
        registry.GetDiagnostics().DatumsExported.Should().Be(10);
        registry.GetDiagnostics().DatumsDropped.Should().Be(0);
    }

    private static (MetricRegistry Registry, BufferedMetricSink Sink) Create(IMetricExporter exporter)
    {
        var options = new NbaObservabilityOptions();
        var registry = new MetricRegistry(options, new FakeTimeProvider(Start));
        return (registry, new BufferedMetricSink(registry, exporter, options));
    }

    private static void Publish(MetricRegistry registry, int count)
    {
        for (var i = 0; i < count; i++)
        {
            registry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/Contract", $"M{i:D2}", i, MetricUnit.Count, Start, now: Start)).Should().BeTrue();
        }
    }

    /// <summary>An exporter as a third party writes it: only the public contract, no library internals.</summary>
    private sealed class ThirdPartyExporter : IMetricExporter
    {
        public int MaxDatums { get; init; } = int.MaxValue;

        public int DatumBytes { get; init; } = 100;

        public int Envelope { get; init; }

        public bool RollupsAsDimensionSets { get; init; }

        public int DeliverOnlyFirst { get; set; } = int.MaxValue;

        public List<IReadOnlyList<MetricDatum>> Batches { get; } = [];

        public List<MetricDatum> Delivered { get; } = [];

        public HashSet<string> EnvelopeAskedFor { get; } = [];

        public int MaxDatumsPerBatch => MaxDatums;

        public bool PublishesRollupsAsDimensionSets => RollupsAsDimensionSets;

        public int EstimateSize(MetricDatum datum) => DatumBytes;

        public int EnvelopeSize(string ns)
        {
            EnvelopeAskedFor.Add(ns);
            return Envelope;
        }

        public Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
        {
            Batches.Add(batch.ToArray());
            var sent = batch.Take(DeliverOnlyFirst).ToList();
            Delivered.AddRange(sent);
            var result = new ExportResult(1, sent.Count * DatumBytes);
            return Task.FromResult(sent.Count == batch.Count
                ? result
                : ExportResult.Partial(result, batch.Skip(sent.Count).ToList(), new IOException("link down")));
        }
    }
}
