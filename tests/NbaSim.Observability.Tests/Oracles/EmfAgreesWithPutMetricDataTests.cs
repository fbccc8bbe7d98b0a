using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Oracles;

/// <summary>
/// One recorded workload through both exporters, each read the way CloudWatch reads it: PutMetricData stored by moto and
/// read back with aws-cli; EMF interpreted by <see cref="CloudWatchEmfRule"/>. Both must agree with the samples the test
/// itself recorded.
/// </summary>
public sealed class EmfAgreesWithPutMetricDataTests(MotoServer moto)
{
    [Fact]
    public async Task Both_exporters_carry_the_recorded_count_sum_extremes_and_percentiles()
    {
        var ct = TestContext.Current.CancellationToken;
        var ns = $"NBA-Simulator/Oracle-{Guid.NewGuid():N}"[..40];
        var registry = new MetricRegistry();
        var duration = registry.Distribution(ns, "DataExtractionDuration", MetricUnit.Seconds, new MetricDimension("Status", "success"));
        var tasks = registry.Counter(ns, "ADCETasksCompleted", MetricUnit.Count);

        // Log-normal durations over five decades: hundreds of buckets, so both exporters must split the distribution.
        var random = new Random(2260);
        var samples = new List<double>();
        for (var i = 0; i < 20_000; i++)
        {
            var value = Math.Exp((random.NextDouble() * 11.5) - 6.9) * (1 + (random.NextDouble() * 0.01));
            samples.Add(value);
            duration.Record(value);
        }

        double tasksSum = 0;
        for (var i = 0; i < 2_260; i++)
        {
            var amount = 1 + (i % 7);
            tasksSum += amount;
            tasks.Add(amount);
        }

        var datums = new List<MetricDatum>();
        registry.Collect(DateTimeOffset.UtcNow, includeOpenPeriods: true, datums);
        datums.Count(d => d.MetricName == "DataExtractionDuration").Should().BeGreaterThan(1, "the workload is wider than one PutMetricData datum");

        var url = await moto.UrlAsync();
        using (var client = new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1", DisableRequestCompression = true }))
        using (var exporter = new CloudWatchExporter(client))
        {
            (await exporter.ExportAsync(datums, ct)).RejectedDatums.Should().Be(0);
        }

        var path = Path.Combine(Path.GetTempPath(), $"oracle-{Guid.NewGuid():N}.emf");
        await using (var emf = new EmfExporter(new EmfExporterOptions { Path = path }))
        {
            await emf.ExportAsync(datums, ct);
        }

        var lines = await File.ReadAllLinesAsync(path, ct);
        var at = datums[0].Timestamp;

        // The truth, from the samples the test recorded.
        var sorted = samples.Order().ToList();
        double Truth(double p) => sorted[(int)Math.Ceiling(p / 100 * sorted.Count) - 1];

        var emfDuration = CloudWatchEmfRule.Extract(lines, ns, "DataExtractionDuration");
        var cwDuration = await AwsCli.StatisticsAsync(url, ns, "DataExtractionDuration", at, ("Status", "success"));
        var motoSamples = (await AwsCli.MotoStoredSamplesAsync(url, ns, "DataExtractionDuration")).Order().ToList();
        double MotoPercentile(double p) => motoSamples[(int)Math.Ceiling(p / 100 * motoSamples.Count) - 1];

        emfDuration.Documents.Should().BeGreaterThan(1, "EMF allows 100 values per metric");
        emfDuration.SampleCount.Should().Be(samples.Count);
        cwDuration.SampleCount.Should().Be(samples.Count);
        emfDuration.Sum.Should().BeApproximately(samples.Sum(), Math.Abs(samples.Sum()) * 1e-9);
        emfDuration.Minimum.Should().Be(sorted[0]);
        cwDuration.Minimum.Should().Be(sorted[0]);
        emfDuration.Maximum.Should().Be(sorted[^1]);
        cwDuration.Maximum.Should().Be(sorted[^1]);

        // moto derives Sum from Values × Counts when a datum also has them (CloudWatch takes the statistic set), so
        // the PutMetricData side's Sum is held to the distribution's bound; the statistic set itself is sent exactly.
        cwDuration.Sum.Should().BeApproximately(samples.Sum(), samples.Sum() * 0.01);
        foreach (var p in new[] { 50d, 95d, 99d })
        {
            emfDuration.Percentile(p).Should().BeApproximately(Truth(p), Truth(p) * 0.01, $"EMF p{p}");
            MotoPercentile(p).Should().BeApproximately(Truth(p), Truth(p) * 0.01, $"PutMetricData p{p}");
        }

        var emfTasks = CloudWatchEmfRule.Extract(lines, ns, "ADCETasksCompleted");
        var cwTasks = await AwsCli.StatisticsAsync(url, ns, "ADCETasksCompleted", at);
        emfTasks.SampleCount.Should().Be(2_260);
        cwTasks.SampleCount.Should().Be(2_260);
        emfTasks.Sum.Should().Be(tasksSum);
        cwTasks.Sum.Should().Be(tasksSum);
        (emfTasks.Minimum, emfTasks.Maximum).Should().Be((1, 7));
        (cwTasks.Minimum, cwTasks.Maximum).Should().Be((1, 7));
        File.Delete(path);
    }
}
