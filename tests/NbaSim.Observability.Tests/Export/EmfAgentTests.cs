using System.Net;
using System.Net.Sockets;
using System.Text;
using NbaSim.Observability.Tests.Oracles;

namespace NbaSim.Observability.Tests.Export;

/// <summary>EMF to the CloudWatch agent over real loopback sockets.</summary>
public sealed class EmfAgentTests
{
    [Fact]
    public async Task Over_UDP_every_document_fits_one_datagram_and_the_agent_gets_the_exact_statistics()
    {
        var ct = TestContext.Current.CancellationToken;
        using var agent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        agent.Client.ReceiveBufferSize = 16 * 1024 * 1024;
        var port = ((IPEndPoint)agent.Client.LocalEndPoint!).Port;
        var at = DateTimeOffset.UtcNow;

        // 100 distributions of 100 values each under one set of dimensions: one EMF document would be ~400 KB.
        var datums = Enumerable.Range(0, 100).Select(m => MetricDatum.CreateStatistics("NBA-Simulator/Performance", $"Op{m}Duration",
            new StatisticSet(5050, Enumerable.Range(1, 100).Sum(i => i * (i + 0.5)), 1.5, 100.5), MetricUnit.Seconds, at, [new("Status", "success")],
            [.. Enumerable.Range(1, 100).Select(i => i + 0.5)], [.. Enumerable.Range(1, 100).Select(i => (double)i)])).ToList();

        await using (var exporter = new EmfExporter(new EmfExporterOptions { AgentEndpoint = $"udp://127.0.0.1:{port}" }))
        {
            var result = await exporter.ExportAsync(datums, ct);
            result.RejectedDatums.Should().Be(0);
        }

        var lines = new List<string>();
        while (agent.Available > 0 || lines.Count == 0)
        {
            var datagram = await agent.ReceiveAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
            datagram.Buffer.Length.Should().BeLessThanOrEqualTo(65_507);
            lines.Add(Encoding.UTF8.GetString(datagram.Buffer).TrimEnd('\n'));
        }

        lines.Count.Should().BeGreaterThan(1, "one document would not fit a datagram");
        foreach (var m in new[] { 0, 57, 99 })
        {
            var rule = CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Performance", $"Op{m}Duration");
            rule.SampleCount.Should().Be(5050);
            (rule.Minimum, rule.Maximum).Should().Be((1.5, 100.5));
        }
    }

    [Fact]
    public async Task Over_TCP_a_connection_lost_part_way_resends_only_the_documents_not_yet_written()
    {
        var ct = TestContext.Current.CancellationToken;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var received = new List<string>();
        var server = Task.Run(async () =>
        {
            // First connection: read 20 documents, then reset. Second connection: read everything.
            using (var first = await listener.AcceptTcpClientAsync(ct))
            {
                using var reader = new StreamReader(first.GetStream());
                for (var i = 0; i < 20; i++)
                {
                    received.Add((await reader.ReadLineAsync(ct))!);
                }

                first.Client.LingerState = new LingerOption(true, 0);
            }

            using var second = await listener.AcceptTcpClientAsync(ct);
            using var rest = new StreamReader(second.GetStream());
            while (await rest.ReadLineAsync(ct) is { } line)
            {
                received.Add(line);
            }
        }, ct);

        // 5,000 documents of ~2 KB (distinct dimension values): far more than the kernel's socket buffers.
        var at = DateTimeOffset.UtcNow;
        var filler = new string('x', 1000);
        var datums = Enumerable.Range(0, 5000).Select(i => MetricDatum.CreateValue("NBA-Simulator/Scrapers", "PagesScraped", 1, MetricUnit.Count, at,
            [new("Page", $"{i:D5}{filler}"), new("Site", filler)])).ToList();
        IReadOnlyList<MetricDatum> undelivered;
        await using (var exporter = new EmfExporter(new EmfExporterOptions { AgentEndpoint = $"tcp://127.0.0.1:{port}" }))
        {
            var partial = await exporter.ExportAsync(datums, ct);
            partial.IsPartial.Should().BeTrue("the connection closed after part of the batch was written");
            partial.Failure.Should().NotBeNull();
            undelivered = partial.Undelivered!;
            undelivered.Count.Should().BeInRange(1, 4999);
            await exporter.ExportAsync(undelivered, ct);
        }

        await server.WaitAsync(TimeSpan.FromSeconds(120), ct);
        var pages = received.Select(l => l[(l.IndexOf("\"Page\":\"", StringComparison.Ordinal) + 8)..][..5]).ToList();
        pages.Should().OnlyHaveUniqueItems("a document the exporter wrote is never written again");
        pages.Should().Contain(undelivered.Select(d => d.Dimensions[0].Value[..5]), "every document not yet written is sent on the new connection");
    }
}
