using System.Globalization;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Reliability;

/// <summary>The spool on real filesystems: one that fills up, and the directory fsyncs seen by strace.</summary>
public sealed class DiskFaultTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nbasim-diskfault-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_spool_filesystem_that_fills_up_during_an_outage_loses_nothing_silently()
    {
        RequiredTool.Require("unshare", "Debian's util-linux (apt-get install util-linux)");
        var ct = TestContext.Current.CancellationToken;
        var down = true;
        await using var server = new LoopbackAwsServer((r, _) => Volatile.Read(ref down)
            ? Task.FromResult(LoopbackAwsServer.Error(503, "ServiceUnavailable", "outage", "Receiver"))
            : LoopbackAwsServer.Ok(r.Action));
        var mount = Path.Combine(_dir.FullName, "small");
        Directory.CreateDirectory(mount);

        // A 256 KiB tmpfs mounted in the helper's own mount namespace (the tests run as root): a real ENOSPC.
        using var helper = Helper.Start("unshare", "-m", "--propagation", "private", "sh", "-c",
            $"mount -t tmpfs -o size=256k tmpfs '{mount}' && exec dotnet '{Helper.Path}' diskfull '{server.Url}' '{mount}/spool'");
        var stderr = helper.StandardError.ReadToEndAsync(ct);
        (await helper.StandardOutput.ReadLineAsync(ct)).Should().Be("outage-done", await Task.WhenAny(stderr, Task.Delay(5000, ct)) == stderr ? await stderr : "");
        server.Accepted.Should().BeEmpty();

        Volatile.Write(ref down, false);
        await helper.StandardInput.WriteLineAsync("go");
        await helper.StandardInput.FlushAsync(ct);
        var result = (await helper.StandardOutput.ReadLineAsync(ct))!.Split(' ').Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        await helper.WaitForExitAsync(ct);
        var (recorded, dropped, queued, files, writeFailures) = (result[0], result[1], result[2], result[3], result[4]);

        writeFailures.Should().BeGreaterThan(0, "the filesystem filled up: " + await stderr);
        dropped.Should().BeGreaterThan(0, "memory is bounded once the disk refuses, so some datums had to go (counted)");
        var delivered = server.Accepted.SelectMany(r => r.Datums()).Count();
        (delivered + dropped).Should().Be(recorded, "delivered + counted drops = recorded, exactly");
        server.Accepted.SelectMany(r => r.Datums()).Select(d => d.MetricName).Should().OnlyContain(n => n == "Ticks");
        queued.Should().Be(0);
        files.Should().Be(0);
    }

    [Fact]
    public async Task Every_rename_and_delete_in_the_spool_is_followed_by_an_fsync_of_the_directory()
    {
        RequiredTool.Require("strace", "Debian's strace (apt-get install strace)");
        var ct = TestContext.Current.CancellationToken;
        var down = true;
        await using var server = new LoopbackAwsServer((r, _) => Volatile.Read(ref down)
            ? Task.FromResult(LoopbackAwsServer.Error(503, "ServiceUnavailable", "outage", "Receiver"))
            : LoopbackAwsServer.Ok(r.Action));
        var spool = Path.Combine(_dir.FullName, "traced");
        var trace = Path.Combine(_dir.FullName, "strace.txt");

        // The recorder writes spool files during an outage; the replay then delivers and deletes them.
        var ledger = Path.Combine(_dir.FullName, "ledger.txt");
        using (var recorder = Helper.Start("strace", "-f", "-o", trace, "-e", "trace=openat,open,fsync,rename,renameat,renameat2,unlink,unlinkat,close", "dotnet", Helper.Path, "record", server.Url, spool, ledger))
        {
            (await recorder.StandardOutput.ReadLineAsync(ct)).Should().Be("recording");
            while (Directory.Exists(spool) && Directory.GetFiles(spool, "*.spool").Length < 2)
            {
                await Task.Delay(200, ct);
            }

            recorder.Kill(entireProcessTree: true);
            await recorder.WaitForExitAsync(ct);
        }

        var recordTrace = await File.ReadAllLinesAsync(trace, ct);
        Volatile.Write(ref down, false);
        using (var replay = Helper.Start("strace", "-f", "-o", trace, "-e", "trace=openat,open,fsync,rename,renameat,renameat2,unlink,unlinkat,close", "dotnet", Helper.Path, "replay", server.Url, spool, ledger))
        {
            await replay.WaitForExitAsync(ct);
            replay.ExitCode.Should().Be(0);
        }

        var replayTrace = await File.ReadAllLinesAsync(trace, ct);
        var renames = AssertDirectorySyncs(recordTrace, spool, "rename", killed: true);
        var deletes = AssertDirectorySyncs(replayTrace, spool, "unlink", killed: false);
        renames.Should().BeGreaterThanOrEqualTo(2);
        deletes.Should().BeGreaterThanOrEqualTo(2);
    }

    /// <summary>
    /// For each <paramref name="operation"/> of a .spool file, the same thread later opens the spool directory and fsyncs
    /// that descriptor, before it touches another spool file. In the trace of a <paramref name="killed"/> process, the
    /// kill may land between the last operation and its fsync: a missing fsync is accepted only when the thread did
    /// nothing more with the spool after it.
    /// </summary>
    private static int AssertDirectorySyncs(string[] trace, string spool, string operation, bool killed)
    {
        var checkedOps = 0;
        for (var i = 0; i < trace.Length; i++)
        {
            var line = trace[i];
            if (!line.Contains($" {operation}", StringComparison.Ordinal) || !line.Contains(".spool\"", StringComparison.Ordinal) || line.Contains("= -1", StringComparison.Ordinal) || line.Contains("spool.lock", StringComparison.Ordinal))
            {
                continue;
            }

            var pid = line.Split(' ', 2)[0];
            string? fd = null;
            var synced = false;
            var movedOn = false;
            for (var j = i + 1; j < trace.Length && !synced; j++)
            {
                var next = trace[j];
                if (!next.StartsWith(pid + " ", StringComparison.Ordinal))
                {
                    continue;
                }

                movedOn |= next.Contains(".spool", StringComparison.Ordinal) && (next.Contains(" rename", StringComparison.Ordinal) || next.Contains(" unlink", StringComparison.Ordinal));

                if (fd is null && next.Contains($"\"{spool}\", O_RDONLY", StringComparison.Ordinal) && next.Contains(" = ", StringComparison.Ordinal))
                {
                    fd = next[(next.LastIndexOf(" = ", StringComparison.Ordinal) + 3)..].Trim();
                }
                else if (fd is not null && next.Contains($"fsync({fd})", StringComparison.Ordinal))
                {
                    synced = next.TrimEnd().EndsWith("= 0", StringComparison.Ordinal);
                }
            }

            if (!synced && killed && !movedOn)
            {
                continue; // the kill cut the sequence after this operation: nothing came after it to be out of order
            }

            synced.Should().BeTrue($"'{line}' must be followed by an fsync of the directory before the thread moves on");
            checkedOps++;
        }

        return checkedOps;
    }
}
