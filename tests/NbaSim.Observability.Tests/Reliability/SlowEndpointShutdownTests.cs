using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using NbaSim.Observability.Pipeline;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Reliability;

/// <summary>
/// A real application process with the spool on, an endpoint that answers each call after 5 s, a backlog left by a
/// killed run, and a SIGTERM (issue 20, items 17–20).
/// </summary>
public sealed class SlowEndpointShutdownTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nbasim-slow-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_slow_endpoint_slows_delivery_but_drops_nothing_and_starves_neither_the_backlog_nor_new_periods()
    {
        var ct = TestContext.Current.CancellationToken;
        var spool = Path.Combine(_dir.FullName, "spool");
        var down = true;
        await using var server = new LoopbackAwsServer(async (r, _) =>
        {
            if (Volatile.Read(ref down))
            {
                return LoopbackAwsServer.Error(503, "ServiceUnavailable", "outage", "Receiver");
            }

            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None);
            return await LoopbackAwsServer.Ok(r.Action);
        });

        // A run during an outage, killed: its periods are in the spool, 1,000 series a second, more than 20 full batches:
        // more than the next run can send in its lifetime at 5 s a call.
        using (var killed = Helper.Start("dotnet", Helper.Path, "slowhost", server.Url, spool, "Before", Path.Combine(_dir.FullName, "killed.txt"), "1000"))
        {
            await ReadyAsync(killed, ct);
            while (SpooledByName(spool) < 20_000)
            {
                await Task.Delay(200, ct);
            }

            killed.Kill(entireProcessTree: true);
            await killed.WaitForExitAsync(ct);
        }

        var backlog = SampleCounts(spool, "Before");
        backlog.Should().BeGreaterThan(0);

        // The next run, against an endpoint that takes 5 s a call, stopped by SIGTERM after 8 s.
        Volatile.Write(ref down, false);
        var result = Path.Combine(_dir.FullName, "result.txt");
        using var run = Helper.Start("dotnet", Helper.Path, "slowhost", server.Url, spool, "After", result);
        await ReadyAsync(run, ct);
        var stdout = run.StandardOutput.ReadToEndAsync(ct); // the host's console log
        var stderr = run.StandardError.ReadToEndAsync(ct);
        await Task.Delay(TimeSpan.FromSeconds(8), ct);
        var watch = Stopwatch.StartNew();
        using (var term = Process.Start("kill", $"-TERM {run.Id}")!)
        {
            await term.WaitForExitAsync(ct);
        }

        await run.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
        watch.Stop();
        var log = await stdout + await stderr;
        run.ExitCode.Should().Be(0, log);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20 + 10), "ShutdownTimeout (20 s) bounds the stop, and the host's own 30 s did not cut it");

        var numbers = (await File.ReadAllTextAsync(result, ct)).Split(' ').Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        var (recorded, dropped) = (numbers[0], numbers[1]);
        dropped.Should().Be(0, log);
        log.Should().NotContain("buffer is full");

        var delivered = server.Accepted.SelectMany(r => r.Datums()).ToList();
        var deliveredAfter = delivered.Where(d => d.MetricName == "After").Sum(d => d.SampleCount);
        deliveredAfter.Should().BeGreaterThan(0, "new periods are not starved by the backlog");
        delivered.Where(d => d.MetricName is "Before" or "BeforeWide").Sum(d => d.SampleCount).Should().BeGreaterThan(0, "the backlog is sent alongside");
        (deliveredAfter + SampleCounts(spool, "After")).Should().Be(recorded, "every sample of the run is delivered or kept in the spool");
    }

    private static async Task ReadyAsync(Process process, CancellationToken ct)
    {
        while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            if (line == "ready")
            {
                return;
            }
        }

        Assert.Fail("the helper ended before it was ready: " + await process.StandardError.ReadToEndAsync(ct));
    }

    /// <summary>Datums in the spool, from the counts in the files' names.</summary>
    private static int SpooledByName(string spool)
        => !Directory.Exists(spool) ? 0 : Directory.GetFiles(spool, "*.spool").Sum(f => int.Parse(Path.GetFileNameWithoutExtension(f).Split('-')[^1], CultureInfo.InvariantCulture));

    /// <summary>Samples of <paramref name="metric"/> kept in the spool's files.</summary>
    private static double SampleCounts(string spool, string metric)
    {
        var total = 0d;
        foreach (var file in Directory.GetFiles(spool, "*.spool"))
        {
            var datums = ReadAside(file);
            total += datums.Where(d => d.MetricName == metric).Sum(d => d.StatisticValues?.SampleCount ?? 1);
        }

        return total;
    }

    private static IReadOnlyList<MetricDatum> ReadAside(string file)
    {
        // Read a copy in another directory, so the spool itself (and its lock) is left as it is.
        var aside = Directory.CreateTempSubdirectory("nbasim-slow-read-");
        try
        {
            var copy = Path.Combine(aside.FullName, Path.GetFileName(file));
            File.Copy(file, copy);
            using var store = new SpoolStore(aside.FullName, NullLogger.Instance);
            return store.Read(copy) ?? [];
        }
        finally
        {
            aside.Delete(recursive: true);
        }
    }
}
