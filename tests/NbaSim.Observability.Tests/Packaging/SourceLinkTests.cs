using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.Json;
using System.Xml.Linq;

namespace NbaSim.Observability.Tests.Packaging;

/// <summary>
/// What a consumer's debugger and NuGet read from the packed package, checked in the package itself: a clone of this
/// repository whose origin is its GitHub address is packed with <c>eng/pack.sh</c>; the symbols package's PDB must map
/// every source to that commit on raw.githubusercontent.com (SourceLink), with the build's paths normalized to
/// <c>/_/</c> (a deterministic CI build), and the nuspec must name the commit, the license, the readme and the icon.
/// </summary>
[Collection(nameof(Profiling.DotnetBuildSerial))]
public class SourceLinkTests
{
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private const string GitHub = "https://github.com/nbasim/NbaSim.Observability";

    [Fact]
    public async Task The_packed_symbols_map_every_source_to_the_commit_on_GitHub_and_the_nuspec_carries_the_metadata()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = PackageConsumerTests.RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("nbasim-sourcelink-").FullName;
        var clone = Path.Combine(work, "clone");
        (await PackageConsumerTests.RunShellAsync($"git clone --quiet '{root}' '{clone}' && git -C '{clone}' remote set-url origin {GitHub}.git", work, ct)).ExitCode.Should().Be(0);
        var commit = (await PackageConsumerTests.RunShellAsync("git rev-parse HEAD", clone, ct)).Output.Trim();

        var pack = await PackageConsumerTests.RunShellAsync($"bash eng/pack.sh --output '{Path.Combine(work, "feed")}' --version 0.1.0-sourcelink", clone, ct);
        pack.ExitCode.Should().Be(0, pack.Output);

        using (var symbols = ZipFile.OpenRead(Path.Combine(work, "feed", "NbaSim.Observability.0.1.0-sourcelink.snupkg")))
        {
            var pdb = symbols.GetEntry("lib/net10.0/NbaSim.Observability.pdb");
            pdb.Should().NotBeNull("the symbols package holds the portable PDB");
            using var stream = new MemoryStream();
            await using (var entry = pdb!.Open())
            {
                await entry.CopyToAsync(stream, ct);
            }

            stream.Position = 0;
            using var provider = MetadataReaderProvider.FromPortablePdbStream(stream);
            var reader = provider.GetMetadataReader();
            var link = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation).Single(c => reader.GetGuid(c.Kind) == SourceLinkKind);
            using var json = JsonDocument.Parse(reader.GetBlobBytes(link.Value));
            var documents = json.RootElement.GetProperty("documents").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            documents.Should().ContainKey("/_/*").WhoseValue.Should().Be($"https://raw.githubusercontent.com/nbasim/NbaSim.Observability/{commit}/*");

            var names = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
            names.Should().Contain("/_/src/NbaSim.Observability/Recording/MetricRegistry.cs");
            names.Where(n => !n.StartsWith("/_/", StringComparison.Ordinal) && !n.Contains("obj", StringComparison.Ordinal) && Path.IsPathRooted(n))
                .Should().BeEmpty("a CI build maps the machine's paths to /_/, so two machines build the same bytes");
        }

        using var package = ZipFile.OpenRead(Path.Combine(work, "feed", "NbaSim.Observability.0.1.0-sourcelink.nupkg"));
        XDocument nuspec;
        await using (var entry = package.GetEntry("NbaSim.Observability.nuspec")!.Open())
        {
            nuspec = await XDocument.LoadAsync(entry, LoadOptions.None, ct);
        }

        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        repository.Attribute("commit")!.Value.Should().Be(commit);
        repository.Attribute("url")!.Value.Should().Be(GitHub);
        Field("license").Should().Be("MIT");
        Field("readme").Should().Be("README.md");
        Field("icon").Should().Be("icon.png");
        package.GetEntry("icon.png").Should().NotBeNull();
        package.GetEntry("README.md").Should().NotBeNull();

        Directory.Delete(work, recursive: true);
    }
}
