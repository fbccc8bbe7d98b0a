using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Tests.Aws.CloudWatch;

/// <summary>Serialize once: measuring keeps a datum's bytes, and a body built from kept bytes is the body built from scratch.</summary>
public class MetricDataJsonWriterTests
{
    private const string Ns = "NBA-Simulator/Wire";
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static List<MetricDatum> Mixed() =>
    [
        MetricDatum.CreateValue(Ns, "Plain", 42, MetricUnit.Count, At, now: At),
        MetricDatum.CreateValue(Ns, "Tiny", 1e-300, MetricUnit.Seconds, At, [new("Quote\"d", "back\\slash"), new("Unicode", "é→😀")], storageResolution: 1, now: At),
        MetricDatum.CreateStatistics(Ns, "Stats", new StatisticSet(12, 3.25, 0.001, 2.5), MetricUnit.Milliseconds, At, [new("Status", "success")], now: At),
        MetricDatum.CreateDistribution(Ns, "Latency", [0.0011, 0.25, 0.5, 9.75], [1, 5000, 3, 1], MetricUnit.Seconds, At, [new("Operation", "S3Upload")], now: At),
    ];

    [Fact]
    public void A_body_from_kept_bytes_is_byte_for_byte_the_body_serialized_from_scratch_and_its_measured_length()
    {
        var fresh = Mixed();
        var measured = Mixed();
        var total = MetricDataJsonWriter.EnvelopeBytes(Ns) + measured.Sum(MetricDataJsonWriter.MeasureDatum);
        measured.Should().OnlyContain(d => d.JsonFragment != null);

        using var expected = new Utf8BodyWriter(4096);
        using var actual = new Utf8BodyWriter(4096);
        MetricDataJsonWriter.Write(expected, Ns, fresh);
        MetricDataJsonWriter.Write(actual, Ns, measured);

        actual.WrittenSpan.ToArray().Should().Equal(expected.WrittenSpan.ToArray());
        total.Should().Be(actual.Length, "the batch is cut by the exact bytes it has on the wire");
        fresh.Should().OnlyContain(d => d.JsonFragment == null, "writing a body keeps nothing; only measuring does");
    }

    [Fact]
    public void A_datum_is_serialized_once_however_often_it_is_measured()
    {
        var datum = Mixed()[3];
        var first = MetricDataJsonWriter.MeasureDatum(datum);
        var kept = datum.JsonFragment;

        MetricDataJsonWriter.MeasureDatum(datum).Should().Be(first);
        datum.JsonFragment.Should().BeSameAs(kept, "a second lease reads the kept length instead of serializing again");
        first.Should().Be(MetricDataJsonWriter.MeasureWithoutKeeping(datum));
    }

    [Fact]
    public void A_datum_derived_from_a_measured_one_starts_without_kept_bytes()
    {
        var datum = Mixed()[3];
        MetricDataJsonWriter.MeasureDatum(datum);

        var piece = datum.PieceOf(null, [0.25], [5000]);
        var rolled = datum.WithRollup([]);

        piece.JsonFragment.Should().BeNull("its bytes differ: fewer values");
        rolled.JsonFragment.Should().BeNull();
        MetricDataJsonWriter.MeasureDatum(piece).Should().BeLessThan(MetricDataJsonWriter.MeasureDatum(datum));
    }
}
