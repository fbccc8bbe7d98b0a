using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Diagnostics;
using NbaSim.Observability.Pipeline;

namespace NbaSim.Observability.Tests.Pipeline;

/// <summary>QueueDrainer on its own, over a memory queue: concurrency, order after a failure, pacing, acknowledgement.</summary>
public class QueueDrainerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Up_to_MaxConcurrentExports_batches_are_in_flight_at_once_and_never_more()
    {
        var exporter = new ScriptedExporter { Concurrency = 3, Delay = TimeSpan.FromMilliseconds(30) };
        var (queue, drainer, _) = Create(exporter, maxDatumsPerBatch: 10);
        Add(queue, 100);

        (await drainer.DrainAsync(newestFirst: false, TestContext.Current.CancellationToken)).Should().BeTrue();

        exporter.Batches.Should().HaveCount(10);
        exporter.MostInFlight.Should().Be(3);
        queue.Count.Should().Be(0);
    }

    [Fact]
    public async Task A_failed_batch_goes_back_to_the_front_in_order_and_the_drain_stops_until_the_next_one()
    {
        var exporter = new ScriptedExporter { FailWhen = batch => batch[0].MetricName == "M10" };
        var (queue, drainer, statistics) = Create(exporter, maxDatumsPerBatch: 10);
        Add(queue, 30);

        (await drainer.DrainAsync(false, TestContext.Current.CancellationToken)).Should().BeFalse();
        exporter.Batches.Select(b => b[0].MetricName).Should().Equal("M00", "M10");
        queue.Count.Should().Be(20, "the failed batch and the one after it wait");
        statistics.ExportFailures.Should().Be(1);

        exporter.FailWhen = null;
        (await drainer.DrainAsync(false, TestContext.Current.CancellationToken)).Should().BeTrue();
        exporter.Delivered.Select(d => d.MetricName).Should().Equal(Enumerable.Range(0, 30).Select(i => $"M{i:D2}"), "order survives the failure and nothing is sent twice");
        statistics.DatumsExported.Should().Be(30);
    }

    [Fact]
    public async Task Newest_first_sends_the_latest_datums_first()
    {
        var exporter = new ScriptedExporter();
        var (queue, drainer, _) = Create(exporter, maxDatumsPerBatch: 5);
        Add(queue, 10);

        await drainer.DrainAsync(newestFirst: true, TestContext.Current.CancellationToken);

        exporter.Batches[0].Select(d => d.MetricName).Should().Equal("M05", "M06", "M07", "M08", "M09");
    }

    private static (MemoryDeliveryQueue Queue, QueueDrainer Drainer, PipelineStatistics Statistics) Create(IMetricExporter exporter, int maxDatumsPerBatch)
    {
        var queue = new MemoryDeliveryQueue(10_000, _ => { });
        var statistics = new PipelineStatistics();
        var options = new NbaObservabilityOptions { MaxDatumsPerBatch = maxDatumsPerBatch };
        return (queue, new QueueDrainer(queue, exporter, options, statistics, NullLogger.Instance, new FakeTimeProvider(Now)), statistics);
    }

    private static void Add(MemoryDeliveryQueue queue, int count)
    {
        for (var i = 0; i < count; i++)
        {
            queue.Add(MetricDatum.CreateValue("NBA-Simulator/Drain", $"M{i:D2}", i, MetricUnit.Count, Now, now: Now));
        }
    }

    private sealed class ScriptedExporter : IMetricExporter
    {
        private int _inFlight;

        public int Concurrency { get; init; } = 1;

        public TimeSpan Delay { get; init; }

        public Func<IReadOnlyList<MetricDatum>, bool>? FailWhen { get; set; }

        public List<IReadOnlyList<MetricDatum>> Batches { get; } = [];

        public List<MetricDatum> Delivered { get; } = [];

        public int MostInFlight { get; private set; }

        public int MaxConcurrentExports => Concurrency;

        public int EstimateSize(MetricDatum datum) => 100;

        public async Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inFlight);
            lock (Batches)
            {
                MostInFlight = Math.Max(MostInFlight, now);
                Batches.Add(batch.ToArray());
            }

            try
            {
                await Task.Delay(Delay, cancellationToken);
                if (FailWhen?.Invoke(batch) == true)
                {
                    throw new IOException("link down");
                }

                lock (Batches)
                {
                    Delivered.AddRange(batch);
                }

                return new ExportResult(1, batch.Count * 100);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }
}
