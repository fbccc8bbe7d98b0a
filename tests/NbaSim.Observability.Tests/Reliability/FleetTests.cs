using System.Globalization;
using NbaSim.Observability.Tests.Infrastructure;
using NbaSim.Observability.Tests.Oracles;

namespace NbaSim.Observability.Tests.Reliability;

/// <summary>The scale-out model: many processes record the same series and CloudWatch adds them up.</summary>
public sealed class FleetTests(MotoServer moto)
{
    [Fact]
    public async Task Three_processes_recording_one_series_add_up_in_CloudWatch()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = await moto.UrlAsync();
        var ns = $"NBA-Simulator/Fleet-{Guid.NewGuid():N}"[..38];
        var started = DateTimeOffset.UtcNow;
        var scrapers = Enumerable.Range(0, 3).Select(i => Helper.Start("dotnet", Helper.Path, "fleet", url, ns, (3_000 + (i * 1_000)).ToString(CultureInfo.InvariantCulture), i.ToString(CultureInfo.InvariantCulture))).ToList();
        var reports = new List<(long Samples, double Sum, long Dropped)>();
        foreach (var scraper in scrapers)
        {
            var line = await scraper.StandardOutput.ReadLineAsync(ct);
            await scraper.WaitForExitAsync(ct);
            scraper.ExitCode.Should().Be(0, await scraper.StandardError.ReadToEndAsync(ct));
            var parts = line!.Split(' ');
            reports.Add((long.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture)));
            scraper.Dispose();
        }

        var stats = await AwsCli.StatisticsAsync(url, ns, "DataExtractionDuration", started, ("Status", "success"));
        var tasks = await AwsCli.StatisticsAsync(url, ns, "ADCETasksCompleted", started);
        tasks.SampleCount.Should().Be(reports.Sum(r => r.Samples));
        tasks.Sum.Should().Be(reports.Sum(r => Enumerable.Range(0, (int)r.Samples).Sum(i => 1 + (i % 3))), "counters carry exact statistic sets, added up across processes");
        reports.Should().OnlyContain(r => r.Dropped == 0);
        stats.SampleCount.Should().Be(reports.Sum(r => r.Samples), "CloudWatch adds up the datums of every process");

        // moto derives Sum from Values × Counts (real CloudWatch takes the statistic set): within the distribution's 1 %.
        stats.Sum.Should().BeApproximately(reports.Sum(r => r.Sum), reports.Sum(r => r.Sum) * 0.01);
    }
}
