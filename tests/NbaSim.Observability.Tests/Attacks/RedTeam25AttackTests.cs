using NbaSim.Observability.Aggregation;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.Protocol;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Tests.Attacks;

// Red team, issue 25 (striped recording, pooled PutMetricData bodies). Each test fails on c67bcd1.
public class RedTeam25AttackTests
{
    private const string Ns = "NBA-Simulator/RT25";

    private static byte[] ReadAll(Stream stream)
    {
        stream.Position = 0;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static PutMetricDataRequest Request(string name, int datums)
        => new(Ns, Enumerable.Range(0, datums).Select(i => MetricDatum.CreateValue(Ns, name, i, MetricUnit.Count, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero))).ToList());

    [Fact]
    public void A_request_marshalled_again_does_not_hand_its_first_body_to_another_request()
    {
        // The SDK (or a caller re-sending a request object) marshals request A twice within one call: the second marshal
        // must not give A's first body back to the pool while the first IRequest's ContentStream still reads it. Other
        // calls (each with a lease of its own, as AwsServiceClient gives them) then rent buffers and fill them.
        var protocol = CloudWatchClient.ProtocolFor(new CloudWatchClientConfig { DisableRequestCompression = true }).Marshaller;
        var a = Request("AAAA", 3);
        var expected = AwsJsonProtocol.Body(a);
        BodyBuffers.CurrentLease.Value = new BodyLease();
        var first = protocol.Marshall(a);
        first.ContentStream.Should().NotBeNull("inside a call the body is lent from the pool, not copied");
        ReadAll(first.ContentStream).Should().Equal(expected);

        var again = protocol.Marshall(a);
        (again.Content ?? ReadAll(again.ContentStream)).Should().Equal(expected);
        for (var i = 0; i < 6; i++)
        {
            BodyBuffers.CurrentLease.Value = new BodyLease();
            _ = protocol.Marshall(Request("BBBB", 3)); // each keeps its lease (nobody returns it here)
        }

        BodyBuffers.CurrentLease.Value = null;
        ReadAll(first.ContentStream).Should().Equal(expected, "the first marshalled request must still read its own bytes, not another request's");
    }

    [Fact]
    public void A_distribution_harvest_racing_a_sample_never_reports_a_non_finite_or_invented_extreme()
    {
        // Values >= 2^64 are valid (limit 2^360) and land in the overflow bucket, whose representative is +Infinity.
        // When a harvest counts a sample before its min/max landed, Harvest falls back to scratch[0].Value/scratch[^1].Value.
        var registry = new MetricRegistry();
        var huge = registry.Distribution(Ns, "Huge", MetricUnit.Count, default);
        var one = registry.Distribution(Ns, "One", MetricUnit.Count, default);
        const double Big = 1e20;
        var stop = 0;
        var recorded = 0L;
        var recorder = new Thread(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                huge.Record(Big);
                one.Record(1d);
                recorded++;
                Thread.SpinWait(50);
            }
        });
        recorder.Start();
        var bad = new List<string>();
        var output = new List<MetricDatum>();
        var scratch = new List<HistogramBucket>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        long harvests = 0;
        while (started.Elapsed < TimeSpan.FromSeconds(8) && bad.Count < 5)
        {
            output.Clear();
            huge.Harvest(DateTimeOffset.UnixEpoch, output, scratch);
            one.Harvest(DateTimeOffset.UnixEpoch, output, scratch);
            harvests++;
            foreach (var d in output)
            {
                var s = d.StatisticValues!.Value;
                var v = d.MetricName == "Huge" ? Big : 1d;
                if (s.Minimum != v || s.Maximum != v)
                {
                    bad.Add($"{d.MetricName}: count={s.SampleCount} sum={s.Sum} min={s.Minimum} max={s.Maximum} values=[{string.Join(",", d.Values ?? [])}]");
                }
            }
        }

        Volatile.Write(ref stop, 1);
        recorder.Join();
        bad.Should().BeEmpty($"only {Big} and 1 were ever recorded ({harvests} harvests); a racing sample may move to the next period, but no extreme may be invented");
    }

    [Fact]
    public void A_counter_harvest_racing_a_sample_never_reports_an_extreme_no_sample_had()
    {
        var registry = new MetricRegistry();
        var counter = registry.Counter(Ns, "Fives", MetricUnit.Count, default);
        var stop = 0;
        var recorder = new Thread(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                counter.Add(5);
                Thread.SpinWait(50);
            }
        });
        recorder.Start();
        var bad = new List<string>();
        var output = new List<MetricDatum>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromSeconds(8) && bad.Count < 5)
        {
            output.Clear();
            counter.Harvest(DateTimeOffset.UnixEpoch, output, []);
            foreach (var s in output.Select(d => d.StatisticValues!.Value))
            {
                if (s.Minimum != 5 || s.Maximum != 5)
                {
                    bad.Add($"count={s.SampleCount} sum={s.Sum} min={s.Minimum} max={s.Maximum}");
                }
            }
        }

        Volatile.Write(ref stop, 1);
        recorder.Join();
        bad.Should().BeEmpty("only 5 was ever added");
    }
    [Fact]
    public void A_distribution_of_values_at_or_above_two_to_the_64_never_harvests_an_infinite_extreme()
    {
        // 1e20 is a valid sample (the limit is 2^360). It lands in the overflow bucket, whose representative is
        // +Infinity; Harvest's "min > max" fallback copies that representative into Minimum/Maximum.
        var registry = new MetricRegistry();
        var huge = registry.Distribution(Ns, "Huge", MetricUnit.Count, default);
        const double Big = 1e20;
        var stop = 0;
        var recorder = new Thread(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                huge.Record(Big);
                Thread.SpinWait(50);
            }
        });
        recorder.Start();
        string? bad = null;
        string? wire = null;
        var output = new List<MetricDatum>();
        var scratch = new List<HistogramBucket>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromSeconds(8) && bad is null)
        {
            output.Clear();
            huge.Harvest(DateTimeOffset.UnixEpoch, output, scratch);
            foreach (var d in output)
            {
                var s = d.StatisticValues!.Value;
                try
                {
                    _ = MetricDatum.CreateStatistics(Ns, "Huge", s, MetricUnit.Count, DateTimeOffset.UtcNow, values: d.Values, counts: d.Counts);
                }
                catch (MetricValidationException ex)
                {
                    bad = $"count={s.SampleCount} sum={s.Sum} min={s.Minimum} max={s.Maximum} values=[{string.Join(",", d.Values ?? [])}]: {ex.Message}";
                    try
                    {
                        wire = System.Text.Encoding.UTF8.GetString(AwsJsonProtocol.Body(new PutMetricDataRequest(Ns, [d])));
                    }
                    catch (Exception wex)
                    {
                        wire = "marshalling threw " + wex.GetType().Name + ": " + wex.Message;
                    }
                }
            }
        }

        Volatile.Write(ref stop, 1);
        recorder.Join();
        bad.Should().BeNull($"only {Big} was recorded; the datum would go on the wire as: {wire}");
    }
}
