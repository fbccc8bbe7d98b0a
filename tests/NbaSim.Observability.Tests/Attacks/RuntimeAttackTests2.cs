using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NbaSim.Observability.Meters;
using NbaSim.Observability.Pipeline;

namespace NbaSim.Observability.Tests.Attacks;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RuntimeAttackTests2 : IDisposable
{
    private const string Ns = "NBA-Simulator/Attack2";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nbasim-rt2-");

    public void Dispose() => _dir.Delete(recursive: true);

    // Finding 1a: spool.lock is opened with OpenOrCreate, following a symbolic link: a file outside the spool is truncated and overwritten.
    [Fact]
    public void A_spool_lock_that_is_a_symbolic_link_is_not_followed()
    {
        var spool = Path.Combine(_dir.FullName, "spool");
        Directory.CreateDirectory(spool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var victim = Path.Combine(_dir.FullName, "precious.txt");
        File.WriteAllText(victim, "precious data outside the spool directory");
        File.CreateSymbolicLink(Path.Combine(spool, "spool.lock"), victim);

        try
        {
            using var store = new SpoolStore(spool, NullLogger.Instance);
        }
        catch (InvalidOperationException)
        {
            // Refusing the directory is fine too.
        }

        File.ReadAllText(victim).Should().Be("precious data outside the spool directory", "no file outside the spool directory is written");
    }

    // Finding 1b: quarantine/ that is a symbolic link is followed: spool files are moved out of the spool directory.
    [Fact]
    public void A_quarantine_directory_that_is_a_symbolic_link_is_not_followed()
    {
        var spool = Path.Combine(_dir.FullName, "spool");
        Directory.CreateDirectory(spool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir.FullName, "elsewhere")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(spool, "quarantine"), elsewhere);
        var corrupt = Path.Combine(spool, "00000000000000000001-0000001-00000001-000001.spool");
        File.WriteAllText(corrupt, "not a spool file");

        using (var store = new SpoolStore(spool, NullLogger.Instance))
        {
            store.Read(corrupt).Should().BeNull();
        }

        Directory.EnumerateFileSystemEntries(elsewhere).Should().BeEmpty("no file is written outside the spool directory");
    }

    // Finding 2: the bridge keeps a binding (and, for an observable instrument, a reader with its own MeterListener) for
    // every instrument ever published; a disposed meter's are never removed, and each collection still starts a task per reader.
    [Fact]
    public void Instruments_of_disposed_meters_are_forgotten()
    {
        var options = new NbaObservabilityOptions { ObservableGaugeTimeout = TimeSpan.FromSeconds(5) };
        var registry = new MetricRegistry(options);
        var prefix = $"NbaSim.Tests.Churn.{Guid.NewGuid():N}";
        using var bridge = new MeterBridge(registry, [new MeterBridgeOptions { Name = prefix + "*", Namespace = Ns }], NullLogger.Instance);
        for (var i = 0; i < 2_000; i++)
        {
            using var meter = new Meter(prefix + "." + i);
            meter.CreateObservableGauge("queue", () => 1.0);
            meter.CreateCounter<long>("requests").Add(1);
        }

        bridge.RecordObservablesNow();
        bridge.ObservableInstruments.Should().Be(0, "every meter is disposed: no reader should be kept or started");
        bridge.RememberedCombinations.Should().BeLessThanOrEqualTo(options.MaxSeriesPerNamespace, "memory is bounded");
    }

    // Finding 3: a full disk that stops the write right after a document's '}' and before its '\n' leaves a complete
    // document in the file that is counted as not delivered: it is ended with a newline and written a second time.
    [Fact]
    public async Task A_document_written_whole_but_for_its_newline_is_not_written_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        var mount = Directory.CreateDirectory(Path.Combine(_dir.FullName, "small")).FullName;
        using var ns = Process.Start(new ProcessStartInfo("unshare", ["-m", "--propagation", "private", "sh", "-c", $"mount -t tmpfs -o size=64k tmpfs '{mount}' && echo ready && sleep 300"]) { RedirectStandardOutput = true })!;
        try
        {
            (await ns.StandardOutput.ReadLineAsync(ct)).Should().Be("ready");
            var dir = $"/proc/{ns.Id}/root{mount}";
            var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var now = at.AddMinutes(1);
            var batch = Enumerable.Range(0, 2).Select(i => MetricDatum.CreateValue(Ns, "Ticks", i, MetricUnit.Count, at, [new MetricDimension("Series", $"s{i}")], now: now)).ToList();

            // The length of the first document, measured on an ordinary file.
            var measure = Path.Combine(_dir.FullName, "measure.emf");
            await using (var probeEmf = new EmfExporter(new EmfExporterOptions { Path = measure }))
            {
                await probeEmf.ExportAsync(batch, ct);
            }

            var firstLine = File.ReadAllLines(measure)[0];
            var docBytes = Encoding.UTF8.GetByteCount(firstLine) + 1;

            // A filler (freed later), then the capacity left, found by filling it.
            var filler = Path.Combine(dir, "filler");
            File.WriteAllBytes(filler, new byte[8192]);
            var probe = Path.Combine(dir, "probe");
            long capacity = 0;
            using (var s = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 0))
            {
                var chunk = new byte[1];
                try
                {
                    while (true)
                    {
                        s.Write(chunk);
                        capacity++;
                    }
                }
                catch (IOException)
                {
                }
            }

            File.Delete(probe);

            // Padding so that the disk fills exactly between the first document's '}' and its '\n'.
            var emfPath = Path.Combine(dir, "metrics.emf");
            var padding = capacity + 1 - docBytes;
            File.WriteAllText(emfPath, new string('x', (int)padding - 1) + "\n");

            await using (var emf = new EmfExporter(new EmfExporterOptions { Path = emfPath }))
            {
                IReadOnlyList<MetricDatum> undelivered = [];
                try
                {
                    undelivered = (await emf.ExportAsync(batch, ct)).Undelivered ?? [];
                }
                catch (IOException)
                {
                    undelivered = batch; // nothing reported delivered (as the sink treats it)
                }

                File.Delete(filler);
                await emf.ExportAsync(undelivered, ct);
            }

            var lines = File.ReadAllLines(emfPath).Skip(1).ToList();
            lines.Count(l => l == firstLine).Should().Be(1, $"the first document is in the file once; the file holds:\n{string.Join("\n", lines)}");
        }
        finally
        {
            ns.Kill();
            await ns.WaitForExitAsync(ct);
        }
    }
}
