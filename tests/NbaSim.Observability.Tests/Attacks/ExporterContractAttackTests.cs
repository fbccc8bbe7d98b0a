using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Export.Emf;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>Red-team round 22: the exporter contract seen from a third-party exporter that returns odd results.</summary>
/// <summary>Second attack (issue 22 changes): exporters that return odd results, a sink constructor that fails, an EMF write cut inside a split distribution.</summary>
public class ExporterContractAttackTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);
    private const string Ns = "NBA-Simulator/RedTeam";

    private static (MetricRegistry Registry, BufferedMetricSink Sink) Create(IMetricExporter exporter, NbaObservabilityOptions? options = null)
    {
        options ??= new NbaObservabilityOptions();
        var registry = new MetricRegistry(options, new FakeTimeProvider(Start));
        return (registry, new BufferedMetricSink(registry, exporter, options));
    }

    private static List<MetricDatum> Publish(MetricRegistry registry, int count)
    {
        var list = new List<MetricDatum>();
        for (var i = 0; i < count; i++)
        {
            var d = MetricDatum.CreateValue(Ns, $"M{i:D2}", i, MetricUnit.Count, Start, now: Start);
            registry.Enqueue(d).Should().BeTrue();
            list.Add(d);
        }

        return list;
    }

    private sealed class OddExporter : IMetricExporter
    {
        public Func<MetricDatum, int> Size { get; set; } = _ => 100;

        public Func<IReadOnlyList<MetricDatum>, ExportResult>? Answer { get; set; }

        public List<MetricDatum> Delivered { get; } = [];

        public int EstimateSize(MetricDatum datum) => Size(datum);

        public Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
        {
            if (Answer is { } answer)
            {
                return Task.FromResult(answer(batch));
            }

            Delivered.AddRange(batch);
            return Task.FromResult(new ExportResult(1, batch.Count * 100));
        }
    }

    /// <summary>An EstimateSize that throws once, on the third datum: the two datums already taken are lost.</summary>
    [Fact]
    public async Task EstimateSize_throwing_mid_batch_loses_no_datum()
    {
        var exporter = new OddExporter();
        var thrown = false;
        exporter.Size = d =>
        {
            if (d.MetricName == "M02" && !thrown)
            {
                thrown = true;
                throw new InvalidOperationException("sizer bug");
            }

            return 100;
        };
        var (registry, sink) = Create(exporter);
        await using (sink)
        {
            Publish(registry, 5);
            try
            {
                await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
            }
            catch (InvalidOperationException)
            {
                // The first drain may fail; what matters is that nothing is lost.
            }

            (await sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
        }

        var diag = registry.GetDiagnostics();
        (exporter.Delivered.Count + diag.DatumsDropped).Should().Be(5, "delivered + counted-dropped = recorded; delivered: {0}", string.Join(",", exporter.Delivered.Select(d => d.MetricName)));
    }

    /// <summary>Undelivered holds equal copies (e.g. rebuilt from the exporter's own buffer), not the batch's instances.</summary>
    [Fact]
    public async Task Undelivered_as_equal_copies_is_kept_and_retried_not_lost()
    {
        var exporter = new OddExporter();
        exporter.Answer = batch =>
        {
            exporter.Delivered.AddRange(batch.Take(4));
            var rest = batch.Skip(4).Select(d => MetricDatum.CreateValue(d.Namespace, d.MetricName, d.Value!.Value, d.Unit, d.Timestamp, now: Start)).ToList();
            return ExportResult.Partial(new ExportResult(1, 400), rest, new IOException("link down"));
        };
        var (registry, sink) = Create(exporter);
        await using (sink)
        {
            Publish(registry, 10);
            (await sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeFalse();
            exporter.Answer = null;
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
            var diag = registry.GetDiagnostics();
            (exporter.Delivered.Count + diag.DatumsDropped + sink.QueuedDatums).Should().Be(10, "the 6 datums handed back are neither delivered, nor counted dropped, nor queued: lost");
        }
    }

    /// <summary>Undelivered names one datum twice: DatumsExported ends one short of what the exporter delivered.</summary>
    [Fact]
    public async Task Duplicate_in_undelivered_does_not_corrupt_DatumsExported()
    {
        var exporter = new OddExporter();
        exporter.Answer = batch =>
        {
            exporter.Delivered.AddRange(batch.Take(9));
            return ExportResult.Partial(new ExportResult(1, 900), [batch[9], batch[9]], new IOException("link down"));
        };
        var (registry, sink) = Create(exporter);
        await using (sink)
        {
            Publish(registry, 10);
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
            exporter.Answer = null;
            (await sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
        }

        exporter.Delivered.Should().HaveCount(10);
        registry.GetDiagnostics().DatumsExported.Should().Be(10);
    }

    /// <summary>Undelivered larger than the batch (foreign datums): DatumsExported goes negative.</summary>
    [Fact]
    public async Task Undelivered_larger_than_the_batch_never_makes_DatumsExported_negative()
    {
        var exporter = new OddExporter();
        var foreign = Enumerable.Range(0, 5).Select(i => MetricDatum.CreateValue(Ns, $"F{i}", i, MetricUnit.Count, Start, now: Start)).ToList();
        exporter.Answer = batch => ExportResult.Partial(new ExportResult(1, 0), [.. batch, .. foreign], new IOException("link down"));
        var (registry, sink) = Create(exporter);
        await using (sink)
        {
            Publish(registry, 2);
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
            registry.GetDiagnostics().DatumsExported.Should().BeGreaterThanOrEqualTo(0);
        }
    }

    /// <summary>A destination that takes the first line, then fails (disk full, connection reset).</summary>
    private sealed class FailAfterFirstLine : EmfDestination
    {
        public bool Fail { get; set; } = true;

        public List<string> Lines { get; } = [];

        public override string Description => "test://fail-after-first-line";

        public override ValueTask<IReadOnlyList<int>> WriteAsync(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, CancellationToken cancellationToken)
        {
            var text = Encoding.UTF8.GetString(lines.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < text.Length; i++)
            {
                if (Fail && i == 1)
                {
                    throw new EmfWriteException(1, [], new IOException("No space left on device"));
                }

                Lines.Add(text[i]);
            }

            return ValueTask.FromResult<IReadOnlyList<int>>([]);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static double SumCounts(JsonElement e)
    {
        double sum = 0;
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                if (p.Name == "Counts" && p.Value.ValueKind == JsonValueKind.Array)
                {
                    sum += p.Value.EnumerateArray().Sum(x => x.GetDouble());
                }
                else
                {
                    sum += SumCounts(p.Value);
                }
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var x in e.EnumerateArray())
            {
                sum += SumCounts(x);
            }
        }

        return sum;
    }

    /// <summary>
    /// A distribution of 150 distinct values is written as two EMF documents (100 values each at most). The first is
    /// written, the second fails: the exporter hands back the whole datum, so the retry writes the first part again.
    /// </summary>
    [Fact]
    public async Task Emf_partial_write_of_a_split_distribution_does_not_double_count()
    {
        var destination = new FailAfterFirstLine();
        var exporter = new EmfExporter(destination);
        var (registry, sink) = Create(exporter);
        await using (sink)
        {
            var values = Enumerable.Range(1, 150).Select(i => (double)i).ToList();
            registry.Enqueue(MetricDatum.CreateDistribution(Ns, "Latency", values, null, MetricUnit.Milliseconds, Start, now: Start)).Should().BeTrue();
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
            destination.Fail = false;
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        }

        var counted = destination.Lines.Sum(l => SumCounts(JsonDocument.Parse(l).RootElement));
        counted.Should().Be(150, "150 samples were recorded; lines written: {0}", destination.Lines.Count);
    }

    /// <summary>The sink's constructor fails after opening the spool (an exporter property throws): the spool stays held.</summary>
    [Fact]
    public async Task A_failed_sink_constructor_releases_the_spool()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rt22-spool-" + Guid.NewGuid().ToString("N"));
        var options = new NbaObservabilityOptions { Spool = new SpoolOptions { Directory = dir } };
        var registry = new MetricRegistry(options, new FakeTimeProvider(Start));
        var act = () => new BufferedMetricSink(registry, new ThrowingRollupsExporter(), options);
        act.Should().Throw<NotSupportedException>();
        registry.Consumer.Should().BeNull();

        // The caller fixes its exporter and tries again on the same registry and spool.
        await using var sink = new BufferedMetricSink(registry, new OddExporter(), options);
    }

    private sealed class ThrowingRollupsExporter : IMetricExporter
    {
        public bool PublishesRollupsAsDimensionSets => throw new NotSupportedException("not configured yet");

        public int EstimateSize(MetricDatum datum) => 100;

        public Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken) => Task.FromResult(new ExportResult(1, 0));
    }
}
