using System.Globalization;
using System.Text.Json;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Export;

/// <summary>An EMF file on a real filesystem that fills up mid-batch (issue 20, item 16).</summary>
public sealed class EmfDiskFullTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nbasim-emf-full-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_full_disk_mid_batch_writes_no_document_twice_and_ends_the_torn_line()
    {
        RequiredTool.Require("unshare", "Debian's util-linux (apt-get install util-linux)");
        var ct = TestContext.Current.CancellationToken;
        var mount = Path.Combine(_dir.FullName, "small");
        Directory.CreateDirectory(mount);
        var copy = Path.Combine(_dir.FullName, "metrics.emf");

        // A 256 KiB tmpfs, mostly filled, in the helper's own mount namespace: a real ENOSPC part-way through the batch. The file is copied
        // out before the namespace (and the tmpfs) goes away.
        using var helper = Helper.Start("unshare", "-m", "--propagation", "private", "sh", "-c",
            $"mount -t tmpfs -o size=256k tmpfs '{mount}' && dotnet '{Helper.Path}' emffull '{mount}' && cp '{mount}/metrics.emf' '{copy}'");
        var stderr = helper.StandardError.ReadToEndAsync(ct);
        var line = await helper.StandardOutput.ReadLineAsync(ct);
        await helper.WaitForExitAsync(ct);
        line.Should().NotBeNull(await stderr);
        var result = line!.Split(' ').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        result[0].Should().BeInRange(1, 999, "the disk filled part-way: some documents were written, the rest handed back");

        var documents = new List<string>();
        var unparsed = 0;
        foreach (var text in await File.ReadAllLinesAsync(copy, ct))
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                documents.Add(json.RootElement.GetProperty("Series").GetString()!);
            }
            catch (JsonException)
            {
                unparsed++;
            }
        }

        unparsed.Should().BeLessThanOrEqualTo(1, "only the torn line, ended so that the next document parses");
        documents.Should().OnlyHaveUniqueItems("a document already in the file is never written again");
        documents.Should().HaveCount(1_000, "every datum is in the file once");
    }
}
