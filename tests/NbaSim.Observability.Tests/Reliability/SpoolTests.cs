using System.Collections.Concurrent;
using System.Diagnostics;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Reliability;

public sealed class SpoolTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("spool-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task During_an_outage_batches_wait_on_disk_owner_only_and_are_replayed_once_after_recovery()
    {
        var down = true;
        await using var server = new LoopbackAwsServer((r, _) => Volatile.Read(ref down)
            ? Task.FromResult(LoopbackAwsServer.Error(503, "ServiceUnavailable", "down", "Receiver"))
            : LoopbackAwsServer.Ok(r.Action));
        var (sink, registry, spool) = Create(server);
        await using var _ = sink;
        var counter = registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted");
        for (var i = 0; i < 5; i++)
        {
            counter.Add(10);
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        }

        var files = Directory.GetFiles(spool, "*.spool");
        files.Should().NotBeEmpty();
        if (!OperatingSystem.IsWindows())
        {
#pragma warning disable CA1416 // guarded above
            files.Should().OnlyContain(f => File.GetUnixFileMode(f) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
#pragma warning restore CA1416
        }

        Volatile.Write(ref down, false);
        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        server.Accepted.SelectMany(r => r.Datums()).Sum(d => d.SampleCount).Should().Be(5);
        Directory.GetFiles(spool, "*.spool").Should().BeEmpty("a file is deleted once CloudWatch accepted it");
        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        server.Accepted.SelectMany(r => r.Datums()).Sum(d => d.SampleCount).Should().Be(5, "nothing is sent twice");
    }

    [Fact]
    public async Task A_corrupt_or_truncated_spool_file_is_quarantined_not_a_crash()
    {
        await using var server = new LoopbackAwsServer((r, _) => LoopbackAwsServer.Ok(r.Action));
        var spool = Path.Combine(_dir.FullName, "corrupt");
        Directory.CreateDirectory(spool);
        await File.WriteAllTextAsync(Path.Combine(spool, "00000000000000000001-0000001-00000001.spool"), "NBSPOOL1 ABC 999\n{\"n\":", TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(spool, "00000000000000000002-0000001-00000002.spool"), [0xFF, 0x00, 0x13], TestContext.Current.CancellationToken);
        var (sink, registry, _) = Create(server, spool);
        await using var __ = sink;
        registry.Counter("NBA-Simulator/ADCE", "ADCETasksFailed").Increment();

        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        Directory.GetFiles(Path.Combine(spool, "quarantine")).Should().HaveCount(2);
        server.Accepted.SelectMany(r => r.Datums()).Should().ContainSingle(d => d.MetricName == "ADCETasksFailed");
    }

    [Fact]
    public async Task Throttling_every_second_call_for_minutes_of_simulated_time_delivers_everything_once()
    {
        var calls = 0;
        await using var server = new LoopbackAwsServer((r, _) => Interlocked.Increment(ref calls) % 2 == 0
            ? Task.FromResult(LoopbackAwsServer.Error(400, "Throttling", "Rate exceeded"))
            : LoopbackAwsServer.Ok(r.Action));
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new NbaObservabilityOptions();
        var registry = new MetricRegistry(options, time);
        using var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("a", "b"), new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        using var exporter = new CloudWatchExporter(client);
        await using var sink = new BufferedMetricSink(registry, exporter, options);
        var series = Enumerable.Range(0, 20).Select(i => registry.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted", MetricUnit.Count, new MetricDimension("Worker", $"w{i}"))).ToArray();
        long recorded = 0;
        var failures = 0;
        for (var minute = 0; minute < 5; minute++)
        {
            for (var i = 0; i < 2000; i++)
            {
                series[i % series.Length].Increment();
                recorded++;
            }

            time.Advance(TimeSpan.FromMinutes(1));
            var before = registry.GetDiagnostics().ExportFailures;
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
            failures += (int)(registry.GetDiagnostics().ExportFailures - before);
            sink.QueuedDatums.Should().BeLessThanOrEqualTo(options.MaxQueuedDatums);
        }

        for (var i = 0; i < 10 && sink.QueuedDatums > 0; i++)
        {
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        }

        failures.Should().BeGreaterThan(0, "every second call was throttled");
        failures.Should().BeLessThanOrEqualTo(5 + 10, "a throttled flush stops at its first failure and waits for the next one: one failed request per flush at most");
        server.Accepted.SelectMany(r => r.Datums()).Sum(d => d.SampleCount).Should().Be(recorded);
        registry.GetDiagnostics().DatumsDropped.Should().Be(0);
    }

    [Fact]
    public async Task A_process_killed_mid_run_loses_no_closed_period_and_the_restart_sends_none_twice()
    {
        var received = new ConcurrentBag<(long Ticks, string Series, double Samples)>();
        await using var server = new LoopbackAwsServer((r, attempt) =>
        {
            for (var i = 1; r.Form.ContainsKey($"MetricData.member.{i}.MetricName"); i++)
            {
                var ticks = DateTimeOffset.Parse(r.Form[$"MetricData.member.{i}.Timestamp"], System.Globalization.CultureInfo.InvariantCulture).UtcTicks;
                var samples = r.Form.TryGetValue($"MetricData.member.{i}.StatisticValues.SampleCount", out var sc) ? double.Parse(sc, System.Globalization.CultureInfo.InvariantCulture) : 0;
                received.Add((ticks, r.Form[$"MetricData.member.{i}.Dimensions.member.1.Value"], samples));
            }

            return LoopbackAwsServer.Ok(r.Action);
        });
        var spool = Path.Combine(_dir.FullName, "crash");
        var ledger = Path.Combine(_dir.FullName, "ledger.txt");
        var helper = Infrastructure.Helper.Path;

        using (var recorder = Start(helper, "record", server.Url, spool, ledger))
        {
            // Time starts when the process records, not when it was launched (start-up is slow on a loaded machine).
            (await recorder.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken)).Should().Be("recording");
            // 14 s, judged 8 s before the kill: a closed period must have had time to reach the server or the spool
            // (a timer wake, a spool write with fsyncs, an HTTP call) even on a busy 2-core machine.
            await Task.Delay(TimeSpan.FromSeconds(14), TestContext.Current.CancellationToken);
            recorder.Kill(); // SIGKILL: no shutdown flush
            await recorder.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var killedAt = DateTime.UtcNow.Ticks;
        using (var replay = Start(helper, "replay", server.Url, spool, ledger))
        {
            await replay.WaitForExitAsync(TestContext.Current.CancellationToken);
            replay.ExitCode.Should().Be(0, await replay.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken));
        }

        var perPeriod = received.GroupBy(r => (r.Ticks, r.Series)).ToDictionary(g => g.Key, g => g.ToList());
        perPeriod.Values.Should().OnlyContain(list => list.Count == 1, "a period CloudWatch accepted is never sent again");

        // Every sample of the seconds the ledger completed well before the kill arrived. A collector delayed on a loaded
        // machine stamps late samples with the earlier period's start (never a later one), so the samples of closed
        // seconds all carry timestamps up to the last closed second.
        var ledgerLines = (await File.ReadAllLinesAsync(ledger, TestContext.Current.CancellationToken)).Select(l => l.Split(' '))
            .Select(p => (Ticks: long.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), Samples: double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var closed = ledgerLines.Where(l => l.Ticks + (8 * TimeSpan.TicksPerSecond) <= killedAt).ToList();
        closed.Should().NotBeEmpty();
        var lastClosed = closed.Max(c => c.Ticks);
        for (var s = 0; s < 5; s++)
        {
            var series = $"s{s}";
            var got = perPeriod.Where(p => p.Key.Series == series && p.Key.Ticks <= lastClosed).Sum(p => p.Value[0].Samples);
            got.Should().BeGreaterThanOrEqualTo(closed.Sum(c => c.Samples), $"every sample {series} recorded in a period closed before the kill arrived");
        }
    }

    [Fact]
    public async Task On_SIGTERM_the_host_flushes_the_open_period_within_the_shutdown_timeout()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGTERM is a Unix signal; CI runs on Linux
        }

        var emf = Path.Combine(_dir.FullName, "sigterm.emf");
        var helper = HelperPath();
        using var host = Process.Start(new ProcessStartInfo("dotnet", $"\"{helper}\" host \"{emf}\"") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string? line;
        do
        {
            line = await host.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken); // host logs come first
        }
        while (line is not null && line != "ready");

        line.Should().Be("ready");
        _ = host.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);

        using (var kill = Process.Start("kill", $"-TERM {host.Id}"))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var stopwatch = Stopwatch.StartNew();
        await host.WaitForExitAsync(TestContext.Current.CancellationToken);
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10 + 5), "flushing is bounded by ShutdownTimeout (10 s)");
        host.ExitCode.Should().Be(0);

        var recorded = long.Parse(await File.ReadAllTextAsync(emf + ".recorded", TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        using var reader = File.OpenText(emf);
        var published = EmfReader.Read(reader).Where(r => r.MetricName == "ADCETasksCompleted").Sum(r => r.Statistics!.Value.Sum);
        recorded.Should().BeGreaterThan(0);
        published.Should().Be(recorded, "the open period was flushed on SIGTERM, nothing lost");
    }

    private static string HelperPath() => Infrastructure.Helper.Path;

    private static Process Start(string helper, string mode, string url, string spool, string ledger)
        => Process.Start(new ProcessStartInfo("dotnet", $"\"{helper}\" {mode} {url} \"{spool}\" \"{ledger}\"") { RedirectStandardOutput = true, RedirectStandardError = true })!;

    private (BufferedMetricSink Sink, MetricRegistry Registry, string Spool) Create(LoopbackAwsServer server, string? spool = null)
    {
        spool ??= Path.Combine(_dir.FullName, "spool");
        var options = new NbaObservabilityOptions();
        options.Spool.Directory = spool;
        var registry = new MetricRegistry(options);
        var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("a", "b"), new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        return (new BufferedMetricSink(registry, new CloudWatchExporter(client, ownsClient: true), options), registry, spool);
    }
}
