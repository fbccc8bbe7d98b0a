using NbaSim.Observability.Tests.Infrastructure;
using NbaSim.Observability.Tests.Oracles;

namespace NbaSim.Observability.Tests.Recording;

/// <summary>
/// Rollups (<see cref="SeriesOptions.RollupWithout"/>): the aggregate without the named dimensions, checked against what
/// CloudWatch computes from what it receives, never against our own merge.
/// </summary>
public class RollupTests
{
    private const string Ns = "NBA-Simulator/Performance";
    private const string Metric = "DataExtractionDuration";
    private static readonly SeriesOptions Rolled = new() { RollupWithout = ["Status"] };

    /// <summary>Successes spread over six decades (hundreds of buckets, so distributions split), failures narrower.</summary>
    private static (double[] Success, double[] Failure) Samples()
    {
        var random = new Random(42);
        var success = Enumerable.Range(0, 5000).Select(_ => Math.Pow(10, -3 + (random.NextDouble() * 5))).ToArray();
        var failure = Enumerable.Range(0, 1000).Select(_ => 0.5 + (random.NextDouble() * 29.5)).ToArray();
        return (success, failure);
    }

    private static void Record(MetricRegistry registry, SeriesOptions options, double[] success, double[] failure)
    {
        var ok = registry.Distribution(Ns, Metric, MetricUnit.Seconds, options, new MetricDimension("Status", "success"));
        var failed = registry.Distribution(Ns, Metric, MetricUnit.Seconds, options, new MetricDimension("Status", "failure"));
        foreach (var v in success)
        {
            ok.Record(v);
        }

        foreach (var v in failure)
        {
            failed.Record(v);
        }
    }

    private static double NearestRank(double[] samples, double p)
    {
        var sorted = samples.Order().ToArray();
        return sorted[(int)Math.Ceiling(p / 100 * sorted.Length) - 1];
    }

    [Fact]
    public async Task In_EMF_the_rollup_is_a_second_dimension_set_CloudWatch_extracts_exactly_and_costs_three_bytes_a_document()
    {
        var (success, failure) = Samples();
        var all = success.Concat(failure).ToArray();
        var dir = Directory.CreateTempSubdirectory("nbaobs-rollup-");
        try
        {
            var rolled = await WriteEmfAsync(Path.Combine(dir.FullName, "rolled.emf"), Rolled, success, failure);
            var plain = await WriteEmfAsync(Path.Combine(dir.FullName, "plain.emf"), default, success, failure);

            var total = CloudWatchEmfRule.Extract(rolled, Ns, Metric, new Dictionary<string, string>());
            total.SampleCount.Should().Be(all.Length);
            total.Sum.Should().BeApproximately(all.Sum(), 1e-9 * all.Sum());
            total.Minimum.Should().Be(all.Min());
            total.Maximum.Should().Be(all.Max());
            foreach (var p in new[] { 1.0, 10, 50, 90, 99, 99.9 })
            {
                total.Percentile(p).Should().BeApproximately(NearestRank(all, p), 0.01 * NearestRank(all, p), $"p{p} of all outcomes");
            }

            CloudWatchEmfRule.Extract(rolled, Ns, Metric, new Dictionary<string, string> { ["Status"] = "success" }).SampleCount.Should().Be(success.Length);
            CloudWatchEmfRule.Extract(rolled, Ns, Metric, new Dictionary<string, string> { ["Status"] = "failure" }).SampleCount.Should().Be(failure.Length);

            // The control: without the option CloudWatch has no metric without dimensions at all.
            CloudWatchEmfRule.Extract(plain, Ns, Metric, new Dictionary<string, string>()).Documents.Should().Be(0);

            // Free in bytes: the same documents, each with ",[]" more.
            rolled.Length.Should().Be(plain.Length);
            rolled.Sum(l => l.Length).Should().Be(plain.Sum(l => l.Length) + (3 * plain.Length));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task For_PutMetricData_the_rollup_is_an_extra_datum_whose_merge_is_exact_and_within_the_values_limit()
    {
        var (success, failure) = Samples();
        var all = success.Concat(failure).ToArray();
        await using var pipeline = new Infrastructure.Pipeline();
        Record(pipeline.Registry, Rolled, success, failure);

        await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        var datums = pipeline.Exporter.Datums.ToList();
        var rollups = datums.Where(d => d.MetricName == Metric && d.Dimensions.Count == 0).ToList();
        rollups.Should().NotBeEmpty();
        rollups.Should().OnlyContain(d => d.Values!.Count <= MetricLimits.MaxValuesPerDatum && d.Values.Count == d.Counts!.Count);
        rollups.Count.Should().BeGreaterThan(1, "more than 150 distinct values: the merged distribution is split like any other");

        // CloudWatch's merge of datums of one metric and timestamp: counts and sums add up, extremes are kept.
        rollups.Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(all.Length);
        rollups.Sum(d => d.StatisticValues!.Value.Sum).Should().BeApproximately(all.Sum(), 1e-9 * all.Sum());
        rollups.Min(d => d.StatisticValues!.Value.Minimum).Should().Be(all.Min());
        rollups.Max(d => d.StatisticValues!.Value.Maximum).Should().Be(all.Max());
        rollups.Sum(d => d.Counts!.Sum()).Should().Be(all.Length, "every sample is in Values/Counts once");

        // Percentiles over the values CloudWatch would hold for the rollup.
        var values = rollups.SelectMany(d => d.Values!.Zip(d.Counts!)).OrderBy(v => v.First).ToList();
        foreach (var p in new[] { 1.0, 50, 90, 99, 99.9 })
        {
            var rank = Math.Ceiling(p / 100 * all.Length);
            double seen = 0;
            var percentile = values.First(v => (seen += v.Second) >= rank).First;
            percentile.Should().BeApproximately(NearestRank(all, p), 0.01 * NearestRank(all, p), $"p{p}");
        }

        // The originals no longer name the rollup: an EMF writer behind a wrapper, or a spool replayed under EMF, cannot
        // count it a second time.
        datums.Should().OnlyContain(d => d.Rollup == null);

        // The series themselves are published unchanged.
        datums.Where(d => d.MetricName == Metric && d.Dimensions.Count == 1).Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(all.Length);
    }

    [Fact]
    public async Task A_counter_rollup_keeps_the_other_dimensions_and_adds_up_per_value()
    {
        await using var pipeline = new Infrastructure.Pipeline();
        var options = new SeriesOptions { RollupWithout = ["Status"] };
        foreach (var (scraper, status, amount) in new[] { ("espn", "success", 3.0), ("espn", "failure", 1.0), ("nba", "success", 5.0), ("nba", "failure", 2.0) })
        {
            pipeline.Registry.Counter("NBA-Simulator/ADCE", "Tasks", MetricUnit.Count, options, new MetricDimension("Scraper", scraper), new MetricDimension("Status", status)).Add(amount);
        }

        await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        var rollups = pipeline.Exporter.Datums.Where(d => d.MetricName == "Tasks" && d.Dimensions.Count == 1).ToDictionary(d => d.Dimensions.Single().ToString(), d => d.StatisticValues!.Value.Sum);
        rollups.Should().BeEquivalentTo(new Dictionary<string, double> { [new MetricDimension("Scraper", "espn").ToString()] = 4, [new MetricDimension("Scraper", "nba").ToString()] = 7 });

        // Two more custom metrics on the bill: the estimate counts them.
        var diagnostics = pipeline.Registry.GetDiagnostics();
        diagnostics.RollupMetrics.Should().Be(2);
        (diagnostics with { BatchesExported = 0 }).EstimatedMonthlyCostUsd.Should().Be((diagnostics.LiveSeries + 2) * ObservabilityDiagnostics.PricePerMetricMonth);
    }

    [Fact]
    public void Idle_counters_published_as_zero_give_both_exporters_the_same_rollup()
    {
        var registry = new MetricRegistry(new NbaObservabilityOptions(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Infrastructure.Pipeline.Start));
        var options = new SeriesOptions(PublishZeroWhenIdle: true) { RollupWithout = ["Status"] };
        registry.Counter("NBA-Simulator/ADCE", "Tasks", MetricUnit.Count, options, new MetricDimension("Status", "success")).Add(3);
        registry.Counter("NBA-Simulator/ADCE", "Tasks", MetricUnit.Count, options, new MetricDimension("Status", "failure"));
        var datums = new List<MetricDatum>();
        registry.Collect(Infrastructure.Pipeline.Start.AddMinutes(3), includeOpenPeriods: false, datums);
        datums.Should().Contain(d => d.Value == 0, "idle periods are published as zeros");

        // EMF as CloudWatch reads it: every datum of the period, zeros included, in the metric without dimensions.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        EmfSerializer.Write(datums, buffer);
        var lines = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var emf = CloudWatchEmfRule.Extract(lines, "NBA-Simulator/ADCE", "Tasks", new Dictionary<string, string>());

        var merged = new List<MetricDatum>(datums);
        NbaSim.Observability.Aggregation.RollupMerger.AppendMerged(merged);
        var rollups = merged.Where(d => d.MetricName == "Tasks" && d.Dimensions.Count == 0).ToList();

        rollups.Sum(d => d.StatisticValues!.Value.SampleCount).Should().Be(emf.SampleCount);
        rollups.Sum(d => d.StatisticValues!.Value.Sum).Should().Be(emf.Sum).And.Be(3);
        rollups.Min(d => d.StatisticValues!.Value.Minimum).Should().Be(emf.Minimum);
        rollups.Count.Should().Be(datums.Select(d => d.Timestamp).Distinct().Count(), "a rollup datum for every period, idle ones included");
    }

    [Fact]
    public void A_rollup_that_keeps_a_dimension_includes_the_samples_of_series_past_the_cardinality_limit()
    {
        var registry = new MetricRegistry(new NbaObservabilityOptions { MaxSeriesPerNamespace = 3 }, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Infrastructure.Pipeline.Start));
        var options = new SeriesOptions { RollupWithout = ["Player"] };
        for (var player = 0; player < 10; player++)
        {
            registry.Counter("NBA-Simulator/Games", "Points", MetricUnit.Count, options, new MetricDimension("Team", "BOS"), new MetricDimension("Player", $"p{player}")).Add(1);
            registry.Counter("NBA-Simulator/Games", "Points", MetricUnit.Count, options, new MetricDimension("Team", "LAL"), new MetricDimension("Player", $"p{player}")).Add(2);
        }

        var datums = new List<MetricDatum>();
        registry.Collect(Infrastructure.Pipeline.Start.AddMinutes(1), includeOpenPeriods: false, datums);
        datums.Sum(d => d.StatisticValues?.Sum ?? 0).Should().Be(30, "every sample is in some series");

        // PutMetricData: the merged rollup datums.
        var merged = new List<MetricDatum>(datums);
        NbaSim.Observability.Aggregation.RollupMerger.AppendMerged(merged);
        double Rollup(IEnumerable<MetricDatum> source, string team) => source
            .Where(d => d.MetricName == "Points" && d.Dimensions.Count == 1 && d.Dimensions[0] == new MetricDimension("Team", team))
            .Sum(d => d.StatisticValues!.Value.Sum);
        Rollup(merged, "BOS").Should().Be(10);
        Rollup(merged, "LAL").Should().Be(20);

        // EMF, as CloudWatch extracts the Team dimension set from the documents.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        EmfSerializer.Write(datums, buffer);
        var lines = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Games", "Points", new Dictionary<string, string> { ["Team"] = "BOS" }).Sum.Should().Be(10);
        CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Games", "Points", new Dictionary<string, string> { ["Team"] = "LAL" }).Sum.Should().Be(20);
    }

    [Fact]
    public void Series_of_one_metric_that_ask_for_different_rollups_are_refused_naming_both()
    {
        var registry = new MetricRegistry();
        registry.Distribution(Ns, Metric, MetricUnit.Seconds, Rolled, new MetricDimension("Status", "success"));

        var without = () => registry.Distribution(Ns, Metric, MetricUnit.Seconds, default, new MetricDimension("Status", "failure"));

        without.Should().Throw<MetricValidationException>().Which.Message.Should()
            .Contain("already has series with RollupWithout [Status]; this one asks for no rollup");
        registry.Distribution(Ns, Metric, MetricUnit.Seconds, Rolled, new MetricDimension("Status", "failure")).Should().NotBeNull("the same rollup is fine");
    }

    [Theory]
    [InlineData(MetricKind.Gauge, "Status", "is a gauge")]
    [InlineData(MetricKind.Distribution, "Scraper", "RollupWithout names dimension 'Scraper', which metric 'Latency' does not have (its dimensions: Status)")]
    public void A_rollup_that_cannot_mean_anything_is_refused_naming_the_option(MetricKind kind, string without, string expected)
    {
        var registry = new MetricRegistry();
        var options = new SeriesOptions { RollupWithout = [without] };
        var status = new MetricDimension("Status", "success");

        var create = () => kind == MetricKind.Gauge
            ? (object)registry.Gauge("NBA-Simulator/ADCE", "Latency", MetricUnit.Seconds, options, status)
            : registry.Distribution("NBA-Simulator/ADCE", "Latency", MetricUnit.Seconds, options, status);

        create.Should().Throw<MetricValidationException>().Which.Should().Match<MetricValidationException>(e => e.Field == "RollupWithout" && e.Message.Contains(expected));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_original_designs_performance_query_with_no_dimensions_has_data_in_moto_exactly_when_rollups_are_on(bool rollup)
    {
        var (success, failure) = Samples();
        var all = success.Concat(failure).ToArray();

        // A moto of its own: the query without dimensions reads every datum of NBA-Simulator/Performance's name, which
        // other tests (and the other case of this theory) write too.
        await using var moto = MotoServer.Private();
        var url = await moto.UrlAsync();
        var options = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromSeconds(60) }; // a cold moto on a busy machine
        var registry = new MetricRegistry(options);
        var client = new NbaSim.Observability.Aws.CloudWatch.CloudWatchClient(MotoServer.Credentials, new NbaSim.Observability.Aws.CloudWatch.CloudWatchClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1", DisableRequestCompression = true });
        await using (var sink = new BufferedMetricSink(registry, new CloudWatchExporter(client, ownsClient: true), options))
        {
            Record(registry, rollup ? Rolled : default, success, failure);
            await sink.StopAsync(TestContext.Current.CancellationToken);
            registry.GetDiagnostics().DatumsDropped.Should().Be(0);
        }

        // CloudWatch identifies a metric by its exact dimension set: list-metrics shows the one without dimensions only
        // when it was sent.
        using var listed = await AwsCli.RunAsync(url, "cloudwatch", "list-metrics", "--namespace", Ns, "--metric-name", Metric);
        var dimensionSets = listed.RootElement.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Dimensions").GetArrayLength()).ToList();
        dimensionSets.Contains(0).Should().Be(rollup);

        // moto answers a query without dimensions from every datum of the name (CloudWatch only from the datums without
        // dimensions), so the metric without dimensions is what is left after the two Status series.
        var at = DateTimeOffset.UtcNow;
        var everything = await AwsCli.StatisticsAsync(url, Ns, Metric, at);
        var ok = await AwsCli.StatisticsAsync(url, Ns, Metric, at, ("Status", "success"));
        var failed = await AwsCli.StatisticsAsync(url, Ns, Metric, at, ("Status", "failure"));
        ok.SampleCount.Should().Be(success.Length);
        failed.SampleCount.Should().Be(failure.Length);
        var withoutDimensions = everything.SampleCount - ok.SampleCount - failed.SampleCount;
        withoutDimensions.Should().Be(rollup ? all.Length : 0);
        if (rollup)
        {
            // moto sums Values × Counts, so the rollup's sum is within the values' rounding (≤ 1 %).
            (everything.Sum - ok.Sum - failed.Sum).Should().BeApproximately(all.Sum(), 0.01 * all.Sum());

            // The dashboard's own query: [ "NBA-Simulator/Performance", "DataExtractionDuration" ], Average, 300 s.
            var query = $$"""[{"Id":"m1","MetricStat":{"Metric":{"Namespace":"{{Ns}}","MetricName":"{{Metric}}"},"Period":300,"Stat":"Average"},"ReturnData":true}]""";
            using var data = await AwsCli.RunAsync(url, "cloudwatch", "get-metric-data", "--metric-data-queries", query,
                "--start-time", at.AddHours(-1).ToString("O"), "--end-time", at.AddHours(1).ToString("O"));
            data.RootElement.GetProperty("MetricDataResults")[0].GetProperty("Values").GetArrayLength().Should().BeGreaterThan(0);
        }
    }

    [Fact]
    public void A_spooled_datum_keeps_its_rollup_so_EMF_after_a_restart_still_writes_the_second_dimension_set()
    {
        var registry = new MetricRegistry();
        registry.Counter("NBA-Simulator/ADCE", "Tasks", MetricUnit.Count, new SeriesOptions { RollupWithout = ["Status"] }, new MetricDimension("Scraper", "espn"), new MetricDimension("Status", "success")).Add(2);
        var harvested = new List<MetricDatum>();
        registry.Collect(DateTimeOffset.UtcNow.AddHours(1), includeOpenPeriods: true, harvested);
        var dir = Directory.CreateTempSubdirectory("nbaobs-rollup-spool-");
        try
        {
            using var store = new NbaSim.Observability.Pipeline.SpoolStore(dir.FullName, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            var file = store.Write(harvested);

            var read = store.Read(file.Path)!.Single();

            read.Rollup.Should().BeEquivalentTo([new MetricDimension("Scraper", "espn")]);
            harvested.Single().Rollup.Should().BeEquivalentTo(read.Rollup);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<string[]> WriteEmfAsync(string path, SeriesOptions options, double[] success, double[] failure)
    {
        var registry = new MetricRegistry();
        await using (var exporter = new EmfExporter(new EmfExporterOptions { Path = path }))
        await using (var sink = new BufferedMetricSink(registry, exporter, new NbaObservabilityOptions()))
        {
            Record(registry, options, success, failure);
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        }

        return await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
    }
}
