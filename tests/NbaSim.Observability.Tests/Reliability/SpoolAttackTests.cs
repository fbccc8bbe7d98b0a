using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using NbaSim.Observability.Pipeline;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Reliability;

/// <summary>
/// Spool files an attacker (or a bug, or another version) left: valid checksums over another shape, every truncation,
/// random mutations, links, modes, oversized files and a second owner (issue 20, items 11–15).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SpoolAttackTests : IDisposable
{
    private const string Ns = "NBA-Simulator/ADCE";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nbasim-spool-attack-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Spool => Path.Combine(_dir.FullName, "spool");

    /// <summary>A spool file as the store writes it: header with the payload's SHA-256 and length, then the records.</summary>
    private static byte[] SpoolFile(string payload)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        return [.. Encoding.ASCII.GetBytes($"NBSPOOL1 {Convert.ToHexString(SHA256.HashData(body))} {body.Length}\n"), .. body];
    }

    private static string Record(string extra = "\"d\":[\"Scraper\",\"espn\"],\"s\":[2,5,2,3]", string unit = "10", long? ticks = null)
        => $"{{\"n\":\"{Ns}\",\"m\":\"Tasks\",\"u\":{unit},\"t\":{ticks ?? DateTimeOffset.UtcNow.AddMinutes(-5).UtcTicks},\"r\":60,{extra}}}";

    [Theory]
    [InlineData("odd dimension array", "\"d\":[\"Scraper\"],\"s\":[2,5,2,3]", "10")]
    [InlineData("short statistics", "\"d\":[],\"s\":[2,5]", "10")]
    [InlineData("null dimension value", "\"d\":[\"Scraper\",null],\"s\":[2,5,2,3]", "10")]
    [InlineData("unknown unit", "\"d\":[],\"s\":[2,5,2,3]", "999")]
    [InlineData("minimum above maximum", "\"d\":[],\"s\":[2,5,9,3]", "10")]
    [InlineData("no value at all", "\"d\":[]", "10")]
    public async Task A_record_with_a_valid_checksum_but_another_shape_is_quarantined_and_everything_else_is_delivered(string why, string extra, string unit)
    {
        _ = why;
        var ct = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(Spool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var good = Record();
        File.WriteAllBytes(Path.Combine(Spool, "00000000000000000001-0000001-00000001-000003.spool"), SpoolFile(string.Join('\n', good, Record(extra, unit), good)));
        File.WriteAllBytes(Path.Combine(Spool, "00000000000000000002-0000001-00000001-000001.spool"), SpoolFile(good));

        var options = new NbaObservabilityOptions { Spool = new SpoolOptions { Directory = Spool } };
        var registry = new MetricRegistry(options);
        var exporter = new CapturingExporter();
        await using (var sink = new BufferedMetricSink(registry, exporter, options))
        {
            (await sink.ForceFlushAsync(ct)).Should().BeTrue("the bad record does not wedge delivery");
            registry.Counter(Ns, "New").Increment();
            (await sink.ForceFlushAsync(ct)).Should().BeTrue("new datums are delivered after it");
        }

        exporter.Datums.Count(d => d.MetricName == "Tasks").Should().Be(3, "the file's other records and the other file go");
        exporter.Datums.Should().Contain(d => d.MetricName == "New");
        registry.GetDiagnostics().DatumsDropped.Should().Be(1, "the refused record is counted");
        File.ReadAllText(Path.Combine(Spool, "quarantine", "00000000000000000001-0000001-00000001-000003.spool.records")).Should().Contain("\"u\":" + unit);
        Directory.EnumerateFiles(Spool, "*.spool").Should().BeEmpty("everything delivered was acknowledged");

        // A restart sends nothing again.
        var again = new CapturingExporter();
        await using (var sink = new BufferedMetricSink(new MetricRegistry(options), again, options))
        {
            await sink.ForceFlushAsync(ct);
        }

        again.Datums.Should().BeEmpty();
    }

    [Fact]
    public void Every_truncation_and_ten_thousand_checksummed_mutations_of_a_real_spool_file_never_throw_and_cost_no_other_file()
    {
        Directory.CreateDirectory(Spool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var store = new SpoolStore(Spool, NullLogger.Instance);
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var datums = new List<MetricDatum>
        {
            MetricDatum.CreateStatistics(Ns, "Tasks", new StatisticSet(3, 6, 1, 3), MetricUnit.Count, now, [new MetricDimension("Scraper", "espn")]),
            MetricDatum.CreateValue(Ns, "Queue", 7, MetricUnit.None, now),
            MetricDatum.CreateStatistics(Ns, "Latency", new StatisticSet(3, 3.5, 0.5, 2), MetricUnit.Seconds, now, values: [0.5, 1, 2], counts: [1, 1, 1]),
        };
        var real = File.ReadAllBytes(store.Write(datums).Path);
        File.Delete(Directory.EnumerateFiles(Spool, "*.spool").Single());
        var other = store.Write(datums);
        var header = Array.IndexOf(real, (byte)'\n') + 1;
        var payload = real[header..];
        var target = Path.Combine(Spool, "00000000000000000000-0000001-00000001-000003.spool");

        var outcomes = new Dictionary<string, int>();
        void Attempt(byte[] bytes)
        {
            File.WriteAllBytes(target, bytes);
            var read = store.Read(target);
            var key = read is null ? "quarantined" : read.Count == datums.Count ? "read" : "partly read";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
            if (read is not null)
            {
                read.All(d => MetricValidator.IsValidValue(d.StatisticValues is { } st ? st.Sum : d.Value ?? 0)).Should().BeTrue("what is read is valid");
            }
        }

        for (var length = 0; length < real.Length; length++)
        {
            Attempt(real[..length]);
        }

        var random = new Random(20261202);
        for (var i = 0; i < 10_000; i++)
        {
            var mutated = (byte[])payload.Clone();
            var flips = 1 + random.Next(4);
            for (var f = 0; f < flips; f++)
            {
                var at = random.Next(mutated.Length);
                mutated[at] = random.Next(3) switch
                {
                    0 => (byte)random.Next(256),
                    1 => (byte)"{}[]\",:0123456789-e.nul\n"[random.Next(24)],
                    _ => (byte)(mutated[at] ^ (1 << random.Next(8))),
                };
            }

            Attempt(SpoolFile(Encoding.UTF8.GetString(mutated)));
        }

        outcomes.GetValueOrDefault("quarantined").Should().BeGreaterThan(0);
        outcomes.GetValueOrDefault("partly read").Should().BeGreaterThan(0, "a mutation of one record costs that record only");
        store.Read(other.Path).Should().HaveCount(datums.Count, "the other file is untouched");
    }

    [Fact]
    public void Directories_and_the_lock_are_owner_only_and_a_directory_others_can_write_is_refused_by_name()
    {
        using (new SpoolStore(Spool, NullLogger.Instance))
        {
            File.GetUnixFileMode(Spool).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.GetUnixFileMode(Path.Combine(Spool, "spool.lock")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.SetUnixFileMode(Spool, (UnixFileMode)Convert.ToInt32("777", 8));
        var open = () => new SpoolStore(Spool, NullLogger.Instance);
        open.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain(Spool).And.Contain("777").And.Contain("chmod 700");
    }

    [Fact]
    public async Task A_symbolic_link_to_a_valid_spool_file_outside_is_never_followed()
    {
        var ct = TestContext.Current.CancellationToken;
        var outside = Path.Combine(_dir.FullName, "planted.spool");
        File.WriteAllBytes(outside, SpoolFile(Record()));
        Directory.CreateDirectory(Spool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Combine(Spool, "00000000000000000001-0000001-00000001-000001.spool"), outside);

        var logger = new FakeLogger<BufferedMetricSink>();
        var options = new NbaObservabilityOptions { Spool = new SpoolOptions { Directory = Spool } };
        var exporter = new CapturingExporter();
        await using (var sink = new BufferedMetricSink(new MetricRegistry(options), exporter, options, logger))
        {
            await sink.ForceFlushAsync(ct);
        }

        exporter.Datums.Should().BeEmpty();
        File.Exists(outside).Should().BeTrue("the link's target is left alone");
        logger.Collector.GetSnapshot().Should().ContainSingle(l => l.Message.Contains("symbolic link", StringComparison.Ordinal));
        Directory.EnumerateFileSystemEntries(Spool, "*.spool").Should().BeEmpty("the link is moved aside, so it is logged once");
    }

    [Fact]
    public async Task A_file_larger_than_any_spool_file_is_quarantined_once_not_warned_about_forever()
    {
        var ct = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(Spool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (var huge = File.Create(Path.Combine(Spool, "00000000000000000001-0000001-00000001-000001.spool")))
        {
            huge.SetLength(SpoolStore.MaxFileBytes + 1); // sparse: no disk used
        }

        var options = new NbaObservabilityOptions { Spool = new SpoolOptions { Directory = Spool } };
        for (var run = 0; run < 2; run++)
        {
            var logger = new FakeLogger<BufferedMetricSink>();
            await using (var sink = new BufferedMetricSink(new MetricRegistry(options), new CapturingExporter(), options, logger))
            {
                await sink.ForceFlushAsync(ct);
            }

            logger.Collector.GetSnapshot().Count(l => l.Message.Contains("larger than any spool file", StringComparison.Ordinal)).Should().Be(run == 0 ? 1 : 0);
        }
    }

    [Fact]
    public void A_second_owner_is_refused_without_file_locks_and_a_dead_owner_is_taken_over()
    {
        using (new SpoolStore(Spool, NullLogger.Instance))
        {
            var second = () => new SpoolStore(Spool, NullLogger.Instance);
            second.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("in use");
        }

        // Another live process named in the lock file, holding no advisory lock (as with DOTNET_SYSTEM_IO_DISABLEFILELOCKING=1).
        using var other = Process.Start(new ProcessStartInfo("sleep", "60"))!;
        try
        {
            var start = File.ReadAllText($"/proc/{other.Id}/stat");
            var ticks = start[(start.LastIndexOf(')') + 2)..].Split(' ')[19];
            File.WriteAllText(Path.Combine(Spool, "spool.lock"), $"{other.Id} {ticks}");
            var taken = () => new SpoolStore(Spool, NullLogger.Instance);
            taken.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain($"process {other.Id}");
        }
        finally
        {
            other.Kill();
            other.WaitForExit();
        }

        // Its owner is gone (killed): the next process takes the spool over.
        var takeOver = () => new SpoolStore(Spool, NullLogger.Instance).Dispose();
        takeOver.Should().NotThrow();
    }
}
