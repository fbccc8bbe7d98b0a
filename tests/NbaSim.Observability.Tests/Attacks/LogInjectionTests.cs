using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Tests.Infrastructure;
using NbaSim.Observability.Tests.MonitoringAsCode;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>What a server says, and what an endpoint URL carries, reaches a terminal or a log only made harmless.</summary>
public sealed class LogInjectionTests
{
    private static string Hostile(int length) => "\u001b[31mred\u001b[0m\r\nFAKE LOG LINE: all good\u0007" + new string('A', length);

    /// <summary>An AWS JSON 1.0 error (XML cannot carry an escape character; JSON can, as \u001b).</summary>
    private static LoopbackResponse HostileError(int length) => new(400, "{\"__type\":\"InvalidParameterValue\",\"message\":" + System.Text.Json.JsonSerializer.Serialize(Hostile(length)) + "}");

    [Theory]
    [InlineData(30_000)] // within the 64-KB error body: the message is read, then made harmless
    [InlineData(200_000)] // beyond it: the rest is never read, and the message is not shown
    public async Task A_servers_error_message_loses_its_control_characters_and_most_of_its_length(int length)
    {
        await using var server = new LoopbackAwsServer((_, _) => Task.FromResult(HostileError(length)));
        using var client = new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

        var call = () => client.PutMetricDataAsync(new PutMetricDataRequest("NBA-Simulator/Attack", [MetricDatum.CreateValue("NBA-Simulator/Attack", "Probe", 1, MetricUnit.Count, DateTimeOffset.UtcNow)]), TestContext.Current.CancellationToken);

        var message = (await call.Should().ThrowAsync<AwsApiException>()).Which.Message;
        message.Should().NotContain("\u001b").And.NotContain("\n").And.NotContain("\u0007");
        message.Length.Should().BeLessThan(600);
        if (length < 64 * 1024)
        {
            message.Should().StartWith("?[31mred?[0m??FAKE LOG LINE").And.EndWith("more characters)");
        }
    }

    [Fact]
    public async Task Nbaobs_never_echoes_an_endpoints_user_info_nor_a_servers_escapes()
    {
        await using var server = new LoopbackAwsServer((_, _) => Task.FromResult(HostileError(30_000)));
        var dir = Directory.CreateTempSubdirectory("nbaobs-inject-");
        var config = Path.Combine(dir.FullName, "nbaobs.json");
        await File.WriteAllTextAsync(config, """{ "NbaObservability": { "Exporter": "CloudWatch", "ShutdownTimeout": "00:00:03", "CloudWatch": { "MaxRetries": 0 } } }""", TestContext.Current.CancellationToken);
        var withUser = server.Url.Replace("http://", "http://AKIAUSERFAKEFAKE:pa55w0rd@", StringComparison.Ordinal);

        var (code, stdout, stderr) = await CliTests.RunAsync("publish", "quality", "--passed", "9", "--total", "10", "--config", config, "--endpoint-url", withUser);

        code.Should().NotBe(0);
        (stdout + stderr).Should().NotContain("pa55w0rd").And.NotContain("AKIAUSERFAKEFAKE").And.NotContain("\u001b");
        stderr.Should().Contain("***@127.0.0.1").And.Contain("FAKE LOG LINE", "the server's message is shown, made harmless");
        stderr.Split('\n').Should().OnlyContain(line => line.Length < 2_000, "a 200 KB message is not one line of the terminal");
        dir.Delete(recursive: true);
    }
}
