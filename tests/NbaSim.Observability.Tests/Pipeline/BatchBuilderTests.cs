using NbaSim.Observability.Pipeline;

namespace NbaSim.Observability.Tests.Pipeline;

/// <summary>BatchBuilder on its own: what one lease takes out of the waiting list, and how a finished lease is partitioned.</summary>
public class BatchBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_batch_holds_one_namespace_and_the_others_keep_their_place()
    {
        var waiting = Waiting(("A", "a1"), ("B", "b1"), ("A", "a2"), ("B", "b2"), ("A", "a3"));

        var lease = BatchBuilder.Take(waiting, Shape(), newestFirst: false, [])!;

        lease.Datums.Select(d => d.MetricName).Should().Equal("a1", "a2", "a3");
        waiting.Select(q => q.Datum.MetricName).Should().Equal("b1", "b2");
    }

    [Fact]
    public void Newest_first_takes_the_last_namespace_from_the_end_and_keeps_list_order_in_the_batch()
    {
        var waiting = Waiting(("A", "a1"), ("B", "b1"), ("A", "a2"), ("B", "b2"));

        var lease = BatchBuilder.Take(waiting, Shape(maxDatums: 2), newestFirst: true, [])!;

        lease.Datums.Select(d => d.MetricName).Should().Equal("b1", "b2");
        waiting.Select(q => q.Datum.MetricName).Should().Equal("a1", "a2");
    }

    [Fact]
    public void The_byte_limit_counts_the_envelope_and_stops_before_it_is_exceeded_but_a_lone_datum_always_leaves()
    {
        var waiting = Waiting(("A", "a1"), ("A", "a2"), ("A", "a3"));
        var shape = Shape(maxBytes: 250, size: 100) with { EnvelopeOf = _ => 60 };

        BatchBuilder.Take(waiting, shape, false, [])!.Datums.Should().HaveCount(1, "60 + 100 fits, 60 + 200 does not");
        var huge = Shape(maxBytes: 50, size: 100);
        BatchBuilder.Take(waiting, huge, false, [])!.Datums.Should().HaveCount(1, "a datum larger than the limit still leaves alone, or it would wait forever");
    }

    [Fact]
    public void Expired_datums_are_removed_counted_and_the_oldest_is_reported()
    {
        var waiting = new LinkedList<QueuedDatum>(
        [
            Queued("A", "old1", Now.AddDays(-15)),
            Queued("A", "fresh", Now),
            Queued("B", "old2", Now.AddDays(-16)),
        ]);
        var expired = new List<QueuedDatum>();

        var lease = BatchBuilder.Take(waiting, Shape() with { ExpiredBefore = Now.AddDays(-14) }, false, expired)!;

        lease.Datums.Select(d => d.MetricName).Should().Equal("fresh");
        lease.Expired.Should().Be(2);
        lease.OldestExpired.Should().Be(Now.AddDays(-16));
        expired.Select(q => q.Datum.MetricName).Should().BeEquivalentTo(["old1", "old2"]);
        waiting.Should().BeEmpty();
    }

    [Fact]
    public void An_empty_list_gives_no_lease()
        => BatchBuilder.Take([], Shape(), false, []).Should().BeNull();

    [Fact]
    public void Partition_hands_back_exactly_the_undelivered_items_by_reference_even_when_datums_are_equal()
    {
        var twin = MetricDatum.CreateValue("A", "same", 1, MetricUnit.Count, Now, now: Now);
        var other = MetricDatum.CreateValue("A", "same", 1, MetricUnit.Count, Now, now: Now);
        var lease = new DeliveryLease([new QueuedDatum(twin), new QueuedDatum(other), new QueuedDatum(twin)], 0, DateTimeOffset.MaxValue);

        var (back, delivered) = BatchBuilder.Partition(lease, [twin]);

        back.Should().ContainSingle().Which.Datum.Should().BeSameAs(twin);
        delivered.Select(q => q.Datum).Should().HaveCount(2).And.Contain(d => ReferenceEquals(d, other));
    }

    private static BatchShape Shape(int maxDatums = 1000, int maxBytes = MetricLimits.MaxRequestBytes, int size = 10)
        => new(maxDatums, maxBytes, _ => size, Now.AddDays(-14));

    private static QueuedDatum Queued(string ns, string name, DateTimeOffset at)
        => new(MetricDatum.CreateValue($"NBA-Simulator/{ns}", name, 1, MetricUnit.Count, at, now: at)); // valid when recorded, expired by Now

    private static LinkedList<QueuedDatum> Waiting(params (string Ns, string Name)[] items)
        => new(items.Select(i => Queued(i.Ns, i.Name, Now)));
}
