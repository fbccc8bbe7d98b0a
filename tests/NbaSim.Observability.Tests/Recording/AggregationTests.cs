using Microsoft.Extensions.Time.Testing;

namespace NbaSim.Observability.Tests.Recording;

public class AggregationTests
{
    private const string Ns = "NBA-Simulator/Performance";
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public void Distribution_statistic_set_is_exact()
    {
        var (registry, time) = NewRegistry();
        var series = registry.Distribution(Ns, "S3UploadDuration", MetricUnit.Seconds);
        var values = new[] { 0.0123, 7.5, 0.5, 3.25, 0.0001, 42.0, 0.5 };
        foreach (var v in values)
        {
            series.Record(v);
        }

        var datums = CollectNextPeriod(registry, time);

        var datum = datums.Should().ContainSingle().Subject;
        datum.StatisticValues.Should().Be(new StatisticSet(values.Length, values.Sum(), values.Min(), values.Max()));
        datum.Counts!.Sum().Should().Be(values.Length);
        datum.Values.Should().BeInAscendingOrder();
        datum.Timestamp.Should().Be(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        datum.StorageResolution.Should().Be(60);
    }

    public static TheoryData<string> Distributions => new() { "uniform", "lognormal", "exponential", "bimodal" };

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Percentiles_from_values_and_counts_are_within_one_percent_of_exact(string shape)
    {
        var (registry, time) = NewRegistry();
        var series = registry.Distribution(Ns, "DataExtractionDuration", MetricUnit.Seconds);
        var random = new Random(42);
        var samples = new double[200_000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = shape switch
            {
                "uniform" => 0.001 + (random.NextDouble() * 10),
                "lognormal" => Math.Exp(-3 + (1.5 * Gaussian(random))),
                "exponential" => -Math.Log(1 - random.NextDouble()) * 0.25,
                _ => random.NextDouble() < 0.8 ? 0.02 + (random.NextDouble() * 0.01) : 5 + random.NextDouble(),
            };
            series.Record(samples[i]);
        }

        var datums = CollectNextPeriod(registry, time);
        var buckets = datums.SelectMany(d => d.Values!.Zip(d.Counts!)).OrderBy(p => p.First).ToList();
        datums.Should().OnlyContain(d => d.Values!.Count <= 150);
        datums.Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(samples.Length);
        datums.Sum(d => d.StatisticValues!.Value.Sum).Should().BeApproximately(samples.Sum(), 1e-6 * samples.Sum());

        Array.Sort(samples);
        foreach (var p in new[] { 0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999 })
        {
            var rank = (long)Math.Ceiling(p * samples.Length);
            var exact = samples[rank - 1];
            double cumulative = 0, estimate = double.NaN;
            foreach (var (value, count) in buckets)
            {
                cumulative += count;
                if (cumulative >= rank)
                {
                    estimate = value;
                    break;
                }
            }

            Math.Abs(estimate - exact).Should().BeLessThanOrEqualTo(0.01 * exact, $"p{p * 100} of a {shape} distribution");
        }
    }

    [Fact]
    public void Wide_distributions_split_into_datums_of_at_most_150_values_whose_totals_are_exact()
    {
        var (registry, time) = NewRegistry();
        var series = registry.Distribution(Ns, "Wide", MetricUnit.Seconds);
        double sum = 0;
        var count = 0;
        for (var v = 1e-6; v < 1e6; v *= 1.005)
        {
            series.Record(v);
            sum += v;
            count++;
        }

        var datums = CollectNextPeriod(registry, time);

        datums.Count.Should().BeGreaterThan(1);
        datums.Should().OnlyContain(d => d.Values!.Count <= 150 && d.Counts!.Count == d.Values.Count);
        datums.Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(count);
        datums.Sum(d => d.StatisticValues!.Value.Sum).Should().BeApproximately(sum, sum * 1e-12);
        datums[0].StatisticValues!.Value.Minimum.Should().Be(1e-6);
        datums.Should().OnlyContain(d => d.StatisticValues!.Value.Minimum <= d.StatisticValues!.Value.Maximum);
        datums.Select(d => d.StatisticValues!.Value.Maximum).Should().BeInAscendingOrder();
    }

    [Fact]
    public void Negative_zero_and_positive_values_are_ordered_and_counted()
    {
        var (registry, time) = NewRegistry();
        var series = registry.Distribution(Ns, "Signed", MetricUnit.None);
        foreach (var v in new[] { -1000.0, -2.0, 0.0, 0.0, 3.0, 1e30 })
        {
            series.Record(v);
        }

        var datum = CollectNextPeriod(registry, time).Single();
        datum.Values.Should().BeInAscendingOrder();
        datum.Values![0].Should().Be(-1000);
        datum.Values[^1].Should().Be(1e30);
        datum.Counts!.Sum().Should().Be(6);
        datum.StatisticValues!.Value.Sum.Should().Be(-1002 + 3 + 1e30);
    }

    [Fact]
    public void Counter_publishes_its_sum_and_gauge_its_last_value()
    {
        var (registry, time) = NewRegistry();
        var counter = registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted");
        var gauge = registry.Gauge("NBA-Simulator/ADCE", "ADCEQueueDepth", MetricUnit.Count);
        counter.Increment();
        counter.Add(4);
        gauge.Record(10);
        gauge.Record(7);

        var datums = CollectNextPeriod(registry, time);

        datums.Single(d => d.MetricName == "ADCETasksCompleted").StatisticValues.Should().Be(new StatisticSet(2, 5, 1, 4));
        datums.Single(d => d.MetricName == "ADCEQueueDepth").Value.Should().Be(7);
    }

    [Fact]
    public void Idle_periods_publish_nothing_unless_the_counter_asks_for_zero()
    {
        var (registry, time) = NewRegistry();
        registry.Counter("NBA-Simulator/ADCE", "Quiet");
        registry.Counter("NBA-Simulator/DataCollection", "S3UploadFailures", MetricUnit.Count, new SeriesOptions(PublishZeroWhenIdle: true));

        var datums = CollectNextPeriod(registry, time);

        datums.Should().ContainSingle().Which.Should().Match<MetricDatum>(d => d.MetricName == "S3UploadFailures" && d.Value == 0);
    }

    [Fact]
    public void Periods_roll_over_on_utc_boundaries()
    {
        var (registry, time) = NewRegistry();
        var series = registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted");
        var output = new List<MetricDatum>();

        series.Add(1);
        time.Advance(TimeSpan.FromSeconds(50)); // 12:00:55, still the first minute
        registry.Collect(time.GetUtcNow(), false, output);
        output.Should().BeEmpty();

        series.Add(2);
        time.Advance(TimeSpan.FromSeconds(10)); // 12:01:05
        registry.Collect(time.GetUtcNow(), false, output);
        output.Should().ContainSingle().Which.Timestamp.Should().Be(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        output[0].StatisticValues!.Value.Sum.Should().Be(3);

        series.Add(5);
        time.Advance(TimeSpan.FromSeconds(60)); // 12:02:05
        registry.Collect(time.GetUtcNow(), false, output);
        output.Should().HaveCount(2);
        output[1].Timestamp.Should().Be(new DateTimeOffset(2026, 11, 28, 12, 1, 0, TimeSpan.Zero));
        output[1].StatisticValues!.Value.Sum.Should().Be(5);
    }

    [Fact]
    public void High_resolution_series_close_every_second_with_storage_resolution_1()
    {
        var (registry, time) = NewRegistry();
        var series = registry.Distribution(Ns, "HotPath", MetricUnit.Milliseconds, new SeriesOptions(HighResolution: true));
        var output = new List<MetricDatum>();
        series.Record(1);
        time.Advance(TimeSpan.FromMilliseconds(1100));
        registry.Collect(time.GetUtcNow(), false, output);

        output.Should().ContainSingle().Which.Should().Match<MetricDatum>(d => d.StorageResolution == 1 && d.Timestamp == new DateTimeOffset(2026, 11, 28, 12, 0, 5, TimeSpan.Zero));
    }

    [Fact]
    public void Configured_aggregation_period_aligns_to_its_own_boundaries()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 7, 30, TimeSpan.Zero));
        var registry = new MetricRegistry(new NbaObservabilityOptions { AggregationPeriod = TimeSpan.FromMinutes(5) }, time);
        registry.Counter("NBA-Simulator/ADCE", "X").Increment();
        var output = new List<MetricDatum>();
        time.Advance(TimeSpan.FromMinutes(3)); // 12:10:30
        registry.Collect(time.GetUtcNow(), false, output);
        output.Single().Timestamp.Should().Be(new DateTimeOffset(2026, 11, 28, 12, 5, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Eight_threads_recording_a_million_samples_each_give_exact_counts_and_sums()
    {
        var (registry, time) = NewRegistry();
        var counter = registry.Counter("NBA-Simulator/ADCE", "Shared");
        var distribution = registry.Distribution(Ns, "SharedDuration", MetricUnit.Seconds);
        const int threads = 8, perThread = 1_000_000;
        using var gate = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            gate.SignalAndWait();
            for (var i = 0; i < perThread; i++)
            {
                counter.Add(t + 1);
                distribution.Record((i % 1000) + 1);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        var datums = CollectNextPeriod(registry, time);

        var counterStats = datums.Single(d => d.MetricName == "Shared").StatisticValues!.Value;
        counterStats.SampleCount.Should().Be(threads * perThread);
        counterStats.Sum.Should().Be(perThread * (threads * (threads + 1) / 2.0));
        var dist = datums.Where(d => d.MetricName == "SharedDuration").ToList();
        dist.Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(threads * perThread);
        dist.Sum(d => d.StatisticValues!.Value.Sum).Should().Be(threads * (perThread / 1000.0) * (1000 * 1001 / 2.0));
        dist[0].StatisticValues!.Value.Minimum.Should().Be(1);
        dist[^1].StatisticValues!.Value.Maximum.Should().Be(1000);
    }

    [Fact]
    public void Invalid_samples_never_throw_and_are_counted()
    {
        var (registry, time) = NewRegistry();
        var series = registry.Distribution(Ns, "Robust", MetricUnit.Seconds);
        var act = () =>
        {
            series.Record(double.NaN);
            series.Record(double.PositiveInfinity);
            series.Record(Math.Pow(2, 361));
            series.Record(1);
        };
        act.Should().NotThrow();
        registry.GetDiagnostics().SamplesRejected.Should().Be(3);
        CollectNextPeriod(registry, time).Single().StatisticValues!.Value.SampleCount.Should().Be(1);
    }

    [Fact]
    public void Recording_through_a_held_handle_allocates_nothing()
    {
        var (registry, _) = NewRegistry();
        var distribution = registry.Distribution(Ns, "NoAlloc", MetricUnit.Seconds);
        var counter = registry.Counter("NBA-Simulator/ADCE", "NoAllocCount");
        var gauge = registry.Gauge("NBA-Simulator/ADCE", "NoAllocGauge");
        for (var i = 0; i < 1000; i++)
        {
            distribution.Record(i * 0.37); // warm up: the thread's cell of each series and its octaves come on first use
            counter.Increment();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
        {
            distribution.Record((i % 1000) * 0.37);
            counter.Increment();
            gauge.Record(i);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public void Same_identity_returns_the_same_handle_regardless_of_dimension_order()
    {
        var (registry, _) = NewRegistry();
        var a = registry.Counter("NBA-Simulator/ADCE", "X", MetricUnit.Count, new MetricDimension("A", "1"), new MetricDimension("B", "2"));
        var b = registry.Counter("NBA-Simulator/ADCE", "X", MetricUnit.Count, new MetricDimension("B", "2"), new MetricDimension("A", "1"));
        b.Should().BeSameAs(a);
        registry.SeriesCount.Should().Be(1);
        FluentActions.Invoking(() => registry.Gauge("NBA-Simulator/ADCE", "X", MetricUnit.Count, new MetricDimension("A", "1"), new MetricDimension("B", "2")))
            .Should().Throw<InvalidOperationException>().WithMessage("*already registered as a Counter*");
    }

    [Fact]
    public void Series_creation_validates_names()
    {
        var (registry, _) = NewRegistry();
        FluentActions.Invoking(() => registry.Counter("NBA-Simulator/ADCE", "X", MetricUnit.Count, new MetricDimension("Bucket", new string('b', 1300))))
            .Should().Throw<MetricValidationException>().WithMessage("Dimension 'Bucket' value '*' is 1300 characters; CloudWatch allows 1024.");
        registry.SeriesCount.Should().Be(0);
    }

    [Fact]
    public void Observable_gauges_are_sampled_once_per_period_and_stop_when_disposed()
    {
        var (registry, time) = NewRegistry();
        var depth = 12;
        var registration = registry.ObservableGauge("NBA-Simulator/ADCE", "ADCEQueueDepth", MetricUnit.Count, () => depth, default);
        CollectNextPeriod(registry, time).Single().Value.Should().Be(12);
        depth = 3;
        CollectNextPeriod(registry, time).Single().Value.Should().Be(3);
        registration.Dispose();
        CollectNextPeriod(registry, time).Should().BeEmpty();
    }

    [Fact]
    public void A_throwing_observable_gauge_does_not_stop_other_series()
    {
        var (registry, time) = NewRegistry();
        using var _ = registry.ObservableGauge("NBA-Simulator/ADCE", "Broken", MetricUnit.Count, () => throw new InvalidOperationException("boom"), default);
        registry.Counter("NBA-Simulator/ADCE", "Fine").Increment();
        CollectNextPeriod(registry, time).Should().ContainSingle().Which.MetricName.Should().Be("Fine");
    }

    internal static (MetricRegistry Registry, FakeTimeProvider Time) NewRegistry(NbaObservabilityOptions? options = null)
    {
        var time = new FakeTimeProvider(Start);
        return (new MetricRegistry(options, time), time);
    }

    internal static List<MetricDatum> CollectNextPeriod(MetricRegistry registry, FakeTimeProvider time)
    {
        time.Advance(TimeSpan.FromMinutes(1));
        var output = new List<MetricDatum>();
        registry.Collect(time.GetUtcNow(), false, output);
        return output;
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
