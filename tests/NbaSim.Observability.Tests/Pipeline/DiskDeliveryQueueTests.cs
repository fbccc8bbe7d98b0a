using Microsoft.Extensions.Logging.Abstractions;
using NbaSim.Observability.Diagnostics;
using NbaSim.Observability.Pipeline;

namespace NbaSim.Observability.Tests.Pipeline;

/// <summary>
/// DiskDeliveryQueue on its own, over a real directory: what is persisted survives a new queue over the same spool,
/// acknowledged datums do not come back, and what was handed back waits at the front. (The attack and crash scenarios
/// are in Reliability/.)
/// </summary>
public sealed class DiskDeliveryQueueTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"disk-queue-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void What_was_persisted_is_read_back_in_order_by_a_new_queue_over_the_same_spool()
    {
        using (var queue = Open())
        {
            Add(queue, 0, 25);
            queue.Persist();
            queue.Count.Should().Be(25);
        }

        using var reopened = Open();
        reopened.Count.Should().Be(25);
        Drain(reopened, 10).Should().Equal(Names(0, 25));
    }

    [Fact]
    public void Acknowledged_datums_do_not_come_back_and_undelivered_ones_wait_at_the_front()
    {
        using (var queue = Open())
        {
            Add(queue, 0, 20);
            queue.Persist();
            var lease = queue.Lease(Shape(10))!;
            lease.Datums.Select(d => d.MetricName).Should().Equal(Names(0, 10));

            // M03 and M07 were not delivered: they wait, first in line; the other eight are acknowledged.
            queue.Complete(lease, [lease.Datums[3], lease.Datums[7]]);
            queue.Checkpoint();
            queue.Count.Should().Be(12);
            queue.Lease(Shape(2))!.Datums.Select(d => d.MetricName).Should().Equal("M03", "M07");
        }

        using var reopened = Open();
        Drain(reopened, 50).Should().BeEquivalentTo(["M03", "M07", .. Names(10, 10)], "after a restart only what was never acknowledged is sent");
    }

    [Fact]
    public void A_datum_added_after_the_spool_was_read_is_delivered_after_the_backlog()
    {
        using (var queue = Open())
        {
            Add(queue, 0, 3);
            queue.Persist();
        }

        using var reopened = Open();
        Add(reopened, 3, 2);
        reopened.Persist();
        Drain(reopened, 100).Should().Equal(Names(0, 5));
    }

    private DiskDeliveryQueue Open()
        => new(new SpoolStore(_directory, NullLogger.Instance), 64L * 1024 * 1024, 10_000, NullLogger.Instance, new PipelineStatistics(), _ => { });

    private static BatchShape Shape(int maxDatums) => new(maxDatums, MetricLimits.MaxRequestBytes, _ => 100, Now.AddDays(-14));

    private static void Add(DiskDeliveryQueue queue, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            queue.Add(MetricDatum.CreateValue("NBA-Simulator/Disk", $"M{i:D2}", i, MetricUnit.Count, Now, now: Now));
        }
    }

    private static List<string> Drain(DiskDeliveryQueue queue, int batch)
    {
        var names = new List<string>();
        while (queue.Lease(Shape(batch)) is { Items.Count: > 0 } lease)
        {
            names.AddRange(lease.Datums.Select(d => d.MetricName));
            queue.Complete(lease, []);
        }

        queue.Checkpoint();
        queue.Count.Should().Be(0);
        return names;
    }

    private static string[] Names(int first, int count) => [.. Enumerable.Range(first, count).Select(i => $"M{i:D2}")];
}
