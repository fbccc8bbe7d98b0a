using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Tests.Infrastructure;
using NbaSim.Observability.Tests.MonitoringAsCode;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>
/// Found by the second attack on the hostile-endpoint work (each failed before its fix): a slow-drip body, invalid UTF-8 in
/// an error, redirects through the official S3 client, URL forms that carry user info, and preview sums that overflow.
/// </summary>
public sealed class HostileResponseTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static CloudWatchClient Client(string url, CloudWatchProtocol protocol, TimeSpan timeout)
        => new(new Amazon.Runtime.BasicAWSCredentials("AKIAFAKEFAKEFAKEFAKE", "fake-secret"), new CloudWatchClientConfig
        {
            ServiceURL = url,
            AuthenticationRegion = "us-east-1",
            Protocol = protocol,
            MaxErrorRetry = 0,
            Timeout = timeout,
            DisableRequestCompression = true,
        });

    private static PutMetricDataRequest Request()
        => new("NBA-Simulator/Attack", [MetricDatum.CreateValue("NBA-Simulator/Attack", "Probe", 1, MetricUnit.Count, Now)]);

    private static Func<Stream, CancellationToken, Task> Drip(int status, string contentType) => async (stream, ct) =>
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nContent-Length: 100000\r\n\r\n"), ct);
        while (true)
        {
            await stream.WriteAsync("x"u8.ToArray(), ct); // one byte a second: never idle long enough to look dead
            await Task.Delay(1000, ct);
        }
    };

    [Theory]
    [InlineData(CloudWatchProtocol.Query, 200)]
    [InlineData(CloudWatchProtocol.Query, 400)]
    [InlineData(CloudWatchProtocol.Json, 200)]
    [InlineData(CloudWatchProtocol.Json, 400)]
    public async Task A_slow_drip_body_is_bounded_by_the_request_timeout(CloudWatchProtocol protocol, int status)
    {
        await using var server = new RawHttpServer(Drip(status, protocol == CloudWatchProtocol.Json ? "application/x-amz-json-1.0" : "text/xml"));
        using var client = Client(server.Url, protocol, TimeSpan.FromSeconds(3));

        var watch = Stopwatch.StartNew();
        var call = client.PutMetricDataAsync(Request(), TestContext.Current.CancellationToken);
        var finished = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        finished.Should().BeSameAs(call, "a 3-s request timeout bounds the call; it was still reading the drip after {0}", watch.Elapsed);
    }

    [Fact]
    public async Task A_slow_drip_body_ends_when_the_caller_cancels()
    {
        await using var server = new RawHttpServer(Drip(200, "text/xml"));
        using var client = Client(server.Url, CloudWatchProtocol.Query, TimeSpan.FromSeconds(600));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(2));

        var call = client.PutMetricDataAsync(Request(), cts.Token);
        var finished = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        finished.Should().BeSameAs(call, "cancelling (StopAsync's deadline) ends a call stuck reading a body");
    }

    [Fact]
    public async Task An_error_message_in_invalid_utf8_still_fails_as_the_services_error()
    {
        var body = Encoding.ASCII.GetBytes("{\"__type\":\"InvalidParameterValue\",\"message\":\"bad \xff\xfe bytes\"}".Replace("\xff\xfe", "@@", StringComparison.Ordinal));
        var at = Array.IndexOf(body, (byte)'@');
        body[at] = 0xFF;
        body[at + 1] = 0xFE;
        await using var server = new RawHttpServer(async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 400 Bad\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {body.Length}\r\n\r\n"), ct);
            await stream.WriteAsync(body, ct);
        });
        using var client = Client(server.Url, CloudWatchProtocol.Json, TimeSpan.FromSeconds(60));

        var call = () => client.PutMetricDataAsync(Request(), TestContext.Current.CancellationToken);

        var failure = (await call.Should().ThrowAsync<Exception>()).Which;
        failure.Should().BeOfType<AwsApiException>("a 400 is the service's error whatever bytes its message holds; got {0}", failure);
        ((AwsApiException)failure).ErrorCode.Should().Be("InvalidParameterValue");
    }

    [Fact]
    public async Task S3_inventory_does_not_follow_a_redirect_with_the_session_token()
    {
        var elsewhere = new List<string>();
        await using var other = new RawHttpServer(async (stream, ct) =>
        {
            lock (elsewhere)
            {
                elsewhere.Add("request");
            }

            await stream.WriteAsync("HTTP/1.1 500 X\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), ct);
        }, onHead: head => { lock (elsewhere) { elsewhere.Add(head); } });
        await using var server = new RawHttpServer(async (stream, ct) =>
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 307 Moved\r\nLocation: {other.Url}/steal\r\nContent-Length: 0\r\n\r\n"), ct));

        var services = new ServiceCollection().AddNbaObservability(o => { o.S3Inventory.ServiceUrl = server.Url; }).AddNbaPublishers();
        services.AddSingleton<Amazon.Runtime.AWSCredentials>(new Amazon.Runtime.SessionAWSCredentials("AKIAFAKEFAKEFAKEFAKE", "fake-secret", "FAKE-SESSION-TOKEN"));
        await using var provider = services.BuildServiceProvider();
        var lister = provider.GetRequiredService<IS3ObjectLister>();

        try
        {
            await foreach (var _ in lister.ListPagesAsync("nba-bucket", TestContext.Current.CancellationToken))
            {
            }
        }
        catch (Exception)
        {
            // Expected: the redirect is an error.
        }

        string.Join("\n", elsewhere).Should().NotContain("FAKE-SESSION-TOKEN", "the session token never goes to the Location's host");
        elsewhere.Should().BeEmpty("no request follows a redirect");
    }

    [Theory]
    [InlineData("http:\\\\AKIAUSERFAKEFAKE:pa55w0rd@127.0.0.1:9/")]
    [InlineData("http:/AKIAUSERFAKEFAKE:pa55w0rd@127.0.0.1:9/")]
    [InlineData("http:AKIAUSERFAKEFAKE:pa55w0rd@127.0.0.1:9/")]
    [InlineData("http://AKIAUSERFAKEFAKE:pa55w0rd@127.0.0.1:9\\x")]
    public void Every_url_the_validator_accepts_is_shown_without_its_user_info(string url)
    {
        var accepted = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        if (!accepted)
        {
            return; // refused by the validator, so never used
        }

        NbaSim.Observability.Internal.Redact.Url(url).Should().NotContain("pa55w0rd", "Uri reads user info '{0}' from it", uri!.UserInfo);
    }

    [Fact]
    public async Task Nbaobs_hides_user_info_of_a_backslash_endpoint_url()
    {
        await using var server = new LoopbackAwsServer((_, _) => Task.FromResult(new LoopbackResponse(400, "{\"__type\":\"InvalidParameterValue\",\"message\":\"no\"}")));
        var dir = Directory.CreateTempSubdirectory("nbaobs-rt2-");
        var config = Path.Combine(dir.FullName, "nbaobs.json");
        await File.WriteAllTextAsync(config, """{ "NbaObservability": { "Exporter": "CloudWatch", "ShutdownTimeout": "00:00:03", "CloudWatch": { "MaxRetries": 0 } } }""", TestContext.Current.CancellationToken);
        var withUser = server.Url.Replace("http://", "http:\\\\AKIAUSERFAKEFAKE:pa55w0rd@", StringComparison.Ordinal);

        var (code, stdout, stderr) = await CliTests.RunAsync("publish", "quality", "--passed", "9", "--total", "10", "--config", config, "--endpoint-url", withUser);

        (stdout + stderr).Should().NotContain("pa55w0rd", "exit {0}; stdout: {1}; stderr: {2}", code, stdout, stderr);
        dir.Delete(recursive: true);
    }

    [Fact]
    public void The_preview_renders_an_average_of_two_finite_values_near_the_maximum()
    {
        var at = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        EmfRecord Rec(double v) => new("NBA-Simulator/ADCE", "ADCEQueueDepth", MetricUnit.Count, [], at, 60, [v], [1], new StatisticSet(1, v, v, v));

        var html = DashboardPreview.Render(NbaMonitoring.Dashboards(DefinitionsTests.Context), [Rec(1.7e308), Rec(1.7e308)], "test");
        var start = html.IndexOf("<h3>ADCE Queue Depth</h3>", StringComparison.Ordinal);
        var widget = html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];

        widget.Should().NotContain("NaN").And.NotContain("Infinity").And.NotContain("∞", "the average of 1.7e308 and 1.7e308 is 1.7e308");
    }

    [Fact]
    public void The_preview_renders_a_sum_of_opposite_extremes_at_one_timestamp()
    {
        var at = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        EmfRecord Rec(double v) => new("NBA-Simulator/ADCE", "ADCEQueueDepth", MetricUnit.Count, [], at, 60, [v], [1], new StatisticSet(1, v, v, v));

        var html = DashboardPreview.Render(NbaMonitoring.Dashboards(DefinitionsTests.Context), [Rec(1.7e308), Rec(1.7e308), Rec(-1.7e308), Rec(-1.7e308), Rec(-1.7e308)], "test");
        var start = html.IndexOf("<h3>ADCE Queue Depth</h3>", StringComparison.Ordinal);
        var widget = html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];

        widget.Should().NotContain("NaN").And.NotContain("Infinity").And.NotContain("∞");
    }

    [Fact]
    public async Task A_server_body_with_invalid_utf8_does_not_carry_escapes_into_the_error_or_the_terminal()
    {
        var body = new List<byte>();
        body.AddRange(Encoding.ASCII.GetBytes("{\"__type\":\"InvalidParameterValue\",\"message\":\"x"));
        body.Add(0xFF);
        body.AddRange(Encoding.ASCII.GetBytes("\"}\u001b[31m\r\nFAKE LOG LINE: all good\u0007" + new string('A', 30_000)));
        var bytes = body.ToArray();
        await using var server = new RawHttpServer(async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 400 Bad\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {bytes.Length}\r\n\r\n"), ct);
            await stream.WriteAsync(bytes, ct);
        });
        using var client = Client(server.Url, CloudWatchProtocol.Json, TimeSpan.FromSeconds(60));
        var call = () => client.PutMetricDataAsync(Request(), TestContext.Current.CancellationToken);
        var message = (await call.Should().ThrowAsync<Exception>()).Which.Message;

        var dir = Directory.CreateTempSubdirectory("nbaobs-rt2-");
        var config = Path.Combine(dir.FullName, "nbaobs.json");
        await File.WriteAllTextAsync(config, """{ "NbaObservability": { "Exporter": "CloudWatch", "ShutdownTimeout": "00:00:03", "CloudWatch": { "MaxRetries": 0, "Protocol": "Json" } } }""", TestContext.Current.CancellationToken);
        var (code, stdout, stderr) = await CliTests.RunAsync("publish", "quality", "--passed", "9", "--total", "10", "--config", config, "--endpoint-url", server.Url, "--verbose");
        dir.Delete(recursive: true);

        using (new FluentAssertions.Execution.AssertionScope())
        {
            (stdout + stderr).Should().NotContain("\u001b", "exit {0}; stderr has {1} chars", code, stderr.Length);
            message.Should().NotContain("\u001b").And.NotContain("FAKE LOG LINE", "the exception's message is a log line: {0} chars", message.Length);
        }
    }
}
