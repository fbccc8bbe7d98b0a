using System.Text;
using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>
/// An endpoint that answers like no AWS service would: endless bodies, deep XML, redirects. Each call ends in bounded
/// memory and time with an error that says what happened, and credentials never reach another host.
/// </summary>
public sealed class HostileEndpointTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Theory]
    [InlineData(CloudWatchProtocol.Query, 400)]
    [InlineData(CloudWatchProtocol.Json, 400)]
    [InlineData(CloudWatchProtocol.Json, 200)]
    public async Task An_endless_body_is_not_read_past_its_limit(CloudWatchProtocol protocol, int status)
    {
        await using var server = new RawHttpServer(async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: {(protocol == CloudWatchProtocol.Json ? "application/x-amz-json-1.0" : "text/xml")}\r\nTransfer-Encoding: chunked\r\n\r\n"), ct);
            var chunk = Encoding.ASCII.GetBytes($"10000\r\n{new string('x', 0x10000)}\r\n");
            while (true)
            {
                await stream.WriteAsync(chunk, ct); // until the client hangs up
            }
        });
        using var client = Client(server.Url, protocol);

        var call = () => client.PutMetricDataAsync(Request(), TestContext.Current.CancellationToken);

        var failure = await call.Should().ThrowAsync<Exception>();
        if (status == 200)
        {
            failure.Which.ToString().Should().Contain("larger than 64 MB");
        }

        server.BytesWritten.Should().BeLessThan((status == 200 ? 64 : 0) * 1024 * 1024 + (32 * 1024 * 1024), "the body is read up to its limit, then the connection is dropped");
    }

    [Fact]
    public async Task A_200000_deep_xml_body_is_refused_before_a_tree_is_built()
    {
        var deep = "<PutMetricDataResponse>" + string.Concat(Enumerable.Repeat("<a>", 200_000)) + string.Concat(Enumerable.Repeat("</a>", 200_000)) + "</PutMetricDataResponse>";
        await using var server = new RawHttpServer(async (stream, ct) =>
        {
            var body = Encoding.ASCII.GetBytes(deep);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {body.Length}\r\n\r\n"), ct);
            await stream.WriteAsync(body, ct);
        });
        using var client = Client(server.Url, CloudWatchProtocol.Query);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var call = () => client.PutMetricDataAsync(Request(), TestContext.Current.CancellationToken);

        (await call.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain("nests deeper than 64 levels");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the tree of 200,000 levels took minutes of CPU before the limit");
    }

    [Theory]
    [InlineData(307)]
    [InlineData(301)]
    public async Task A_redirect_is_not_followed_and_the_session_token_stays_home(int status)
    {
        var elsewhere = new List<string>();
        await using var other = new RawHttpServer(async (stream, ct) =>
        {
            var buffer = new byte[64 * 1024];
            var read = await stream.ReadAsync(buffer, ct);
            lock (elsewhere)
            {
                elsewhere.Add(Encoding.ASCII.GetString(buffer, 0, read));
            }

            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), ct);
        });
        await using var server = new RawHttpServer(async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Moved\r\nLocation: {other.Url}/steal?x=1\r\nContent-Length: 0\r\n\r\n"), ct);
        });
        using var client = new CloudWatchClient(
            new Amazon.Runtime.SessionAWSCredentials("AKIAFAKEFAKEFAKEFAKE", "fake-secret", "FAKE-SESSION-TOKEN"),
            new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(60) });

        var call = () => client.PutMetricDataAsync(Request(), TestContext.Current.CancellationToken);

        var failure = (await call.Should().ThrowAsync<AwsApiException>()).Which;
        failure.Message.Should().Contain($"HTTP {status}, a redirect to http://127.0.0.1:").And.Contain("not followed").And.NotContain("steal");
        failure.ErrorCode.Should().Be("Redirect");
        elsewhere.Should().BeEmpty("no request, and so no x-amz-security-token, goes to the Location");
    }

    private static CloudWatchClient Client(string url, CloudWatchProtocol protocol)
        => new(new Amazon.Runtime.BasicAWSCredentials("AKIAFAKEFAKEFAKEFAKE", "fake-secret"), new CloudWatchClientConfig
        {
            ServiceURL = url,
            AuthenticationRegion = "us-east-1",
            Protocol = protocol,
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(120), // only bounds a failure: the limits, not the timeout, end these calls
            DisableRequestCompression = true,
        });

    private static PutMetricDataRequest Request()
        => new("NBA-Simulator/Attack", [MetricDatum.CreateValue("NBA-Simulator/Attack", "Probe", 1, MetricUnit.Count, Now)]);
}
