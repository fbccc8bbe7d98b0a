using Amazon.Runtime;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.CloudWatch;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Aws;

/// <summary>The retry, timeout and bisection paths against a loopback server that misbehaves on purpose.</summary>
public sealed class FaultTests
{
    private static readonly AWSCredentials Credentials = new BasicAWSCredentials("AKIDFAULTTEST", "fault-test-secret");
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task Throttling_is_retried_with_backoff_until_it_passes()
    {
        await using var server = new LoopbackAwsServer((r, n) => n <= 2
            ? Task.FromResult(LoopbackAwsServer.Error(400, "Throttling", "Rate exceeded"))
            : LoopbackAwsServer.Ok(r.Action));
        using var client = Client(server);

        await client.PutMetricDataAsync(Request(3), TestContext.Current.CancellationToken);

        server.Requests.Should().HaveCount(3);
        server.Accepted.Should().ContainSingle();
        client.Counters.Attempts.Should().Be(3);
    }

    [Fact]
    public async Task The_exporter_reports_calls_retries_bytes_before_and_after_compression_and_rejections_on_the_meter()
    {
        await using var server = new LoopbackAwsServer((r, n) => n <= 2
            ? Task.FromResult(LoopbackAwsServer.Error(400, "Throttling", "Rate exceeded"))
            : LoopbackAwsServer.Ok(r.Action));
        using var client = Client(server);
        using var exporter = new CloudWatchExporter(client);
        var seen = new Dictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, exporter.Meter) && instrument.Name.StartsWith("nbasim.observability.cloudwatch.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => seen[i.Name] = v);
        listener.Start();

        await exporter.ExportAsync(Enumerable.Range(0, 400).Select(i => Datum($"Metric{i}")).ToList(), TestContext.Current.CancellationToken);
        listener.RecordObservableInstruments();

        seen["nbasim.observability.cloudwatch.calls"].Should().Be(1);
        seen["nbasim.observability.cloudwatch.attempts"].Should().Be(3);
        seen["nbasim.observability.cloudwatch.retries"].Should().Be(2);
        seen["nbasim.observability.cloudwatch.bytes.uncompressed"].Should().BeGreaterThan(10_240);
        seen["nbasim.observability.cloudwatch.bytes.sent"].Should().BeGreaterThan(0).And.BeLessThan(3 * seen["nbasim.observability.cloudwatch.bytes.uncompressed"] / 2, "three gzip-compressed attempts");
        seen["nbasim.observability.cloudwatch.rejected"].Should().Be(0);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Server_errors_are_retried(int status)
    {
        await using var server = new LoopbackAwsServer((r, n) => n == 1
            ? Task.FromResult(LoopbackAwsServer.Error(status, "InternalFailure", "boom", "Receiver"))
            : LoopbackAwsServer.Ok(r.Action));
        using var client = Client(server);

        await client.PutMetricDataAsync(Request(1), TestContext.Current.CancellationToken);

        server.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_response_slower_than_the_timeout_is_abandoned_and_retried()
    {
        await using var server = new LoopbackAwsServer(async (r, n) => n == 1
            ? (await LoopbackAwsServer.Ok(r.Action)) with { Delay = TimeSpan.FromSeconds(60) }
            : await LoopbackAwsServer.Ok(r.Action));
        using var client = Client(server, timeout: TimeSpan.FromSeconds(5)); // the retries get 5 s each, on a busy machine too

        await client.PutMetricDataAsync(Request(1), TestContext.Current.CancellationToken);

        server.Requests.Should().HaveCountGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task A_connection_reset_is_retried()
    {
        // A raw socket server: the first connection is reset (RST) after the request arrives, the next one answers 200.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var connections = 0;
        var serve = Task.Run(async () =>
        {
            while (connections < 2)
            {
                using var socket = await listener.AcceptSocketAsync(TestContext.Current.CancellationToken);
                var buffer = new byte[64 * 1024];
                await socket.ReceiveAsync(buffer, TestContext.Current.CancellationToken);
                if (++connections == 1)
                {
                    socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
                    socket.Close();
                    continue;
                }

                var body = "{}";
                var response = $"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-RequestId: after-reset\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(response), TestContext.Current.CancellationToken);
                socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
            }
        }, TestContext.Current.CancellationToken);
        using var client = new CloudWatchClient(Credentials, new CloudWatchClientConfig { ServiceURL = $"http://127.0.0.1:{port}/", AuthenticationRegion = "us-east-1" });

        var response = await client.PutMetricDataAsync(Request(1), TestContext.Current.CancellationToken);

        await serve;
        connections.Should().Be(2);
        response.RequestId.Should().Be("after-reset");
    }

    [Fact]
    public async Task A_validation_error_bisects_the_batch_sends_the_rest_and_reports_each_refused_datum()
    {
        await using var server = new LoopbackAwsServer((r, _) => r.Datums().Any(d => d.MetricName.StartsWith("Bad", StringComparison.Ordinal))
            ? Task.FromResult(LoopbackAwsServer.Error(400, "InvalidParameterValue", "The value for parameter MetricData.member.1.MetricName is invalid."))
            : LoopbackAwsServer.Ok(r.Action));
        using var client = Client(server);
        var logger = new FakeLogger<CloudWatchExporter>();
        using var exporter = new CloudWatchExporter(client, logger: logger);
        var batch = Enumerable.Range(0, 20).Select(i => Datum(i is 5 or 13 ? $"Bad{i}" : $"Good{i}")).ToList();

        var result = await exporter.ExportAsync(batch, TestContext.Current.CancellationToken);

        result.RejectedDatums.Should().Be(2);
        server.Accepted.SelectMany(r => r.Datums()).Select(d => d.MetricName).Should().BeEquivalentTo(batch.Where(d => d.MetricName.StartsWith("Good", StringComparison.Ordinal)).Select(d => d.MetricName));
        logger.Collector.GetSnapshot().Where(l => l.Message.Contains("refused datum", StringComparison.Ordinal)).Should().HaveCount(2)
            .And.OnlyContain(l => l.Message.Contains("InvalidParameterValue", StringComparison.Ordinal) && l.Message.Contains("is invalid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_transient_failure_after_partial_delivery_retries_only_what_was_not_delivered()
    {
        var failedOnce = 0;
        await using var server = new LoopbackAwsServer((r, _) =>
        {
            var names = r.Datums().Select(d => d.MetricName).ToList();
            if (names.Any(n => n.StartsWith("Bad", StringComparison.Ordinal)))
            {
                return Task.FromResult(LoopbackAwsServer.Error(400, "InvalidParameterValue", "bad datum"));
            }

            // The second half of the first bisection fails once, after the first half went through.
            return names.Contains("Good9") && Interlocked.Exchange(ref failedOnce, 1) == 0
                ? Task.FromResult(LoopbackAwsServer.Error(503, "ServiceUnavailable", "down", "Receiver"))
                : LoopbackAwsServer.Ok(r.Action);
        });
        using var client = Client(server, retries: 0);
        using var exporter = new CloudWatchExporter(client);
        await using var pipeline = new Infrastructure.Pipeline(exporter: exporter);
        var sink = pipeline.Sink;
        foreach (var datum in Enumerable.Range(0, 12).Select(i => Datum(i == 2 ? "Bad2" : $"Good{i}", pipeline.Time.GetUtcNow())))
        {
            pipeline.Registry.Enqueue(datum);
        }

        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        sink.QueuedDatums.Should().BeGreaterThan(0, "the undelivered half is kept");
        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        var delivered = server.Accepted.SelectMany(r => r.Datums()).Select(d => d.MetricName).ToList();
        delivered.Should().OnlyHaveUniqueItems("a datum CloudWatch accepted is never sent again");
        delivered.Should().BeEquivalentTo(Enumerable.Range(0, 12).Where(i => i != 2).Select(i => $"Good{i}"));
        pipeline.Registry.GetDiagnostics().DatumsDropped.Should().Be(1, "the refused datum is counted");
    }

    [Fact]
    public async Task A_sixty_second_outage_loses_nothing()
    {
        var down = true;
        await using var server = new LoopbackAwsServer((r, _) => Volatile.Read(ref down)
            ? Task.FromResult(LoopbackAwsServer.Error(503, "ServiceUnavailable", "outage", "Receiver"))
            : LoopbackAwsServer.Ok(r.Action));
        using var client = Client(server, retries: 0);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new NbaObservabilityOptions();
        var registry = new MetricRegistry(options, time);
        using var exporter = new CloudWatchExporter(client);
        await using var sink = new BufferedMetricSink(registry, exporter, options);
        var series = Enumerable.Range(0, 10).Select(i => registry.Distribution("NBA-Simulator/Performance", "S3UploadDuration", MetricUnit.Seconds, new MetricDimension("Worker", $"w{i}"))).ToArray();
        long recorded = 0;

        for (var second = 0; second < 60; second++)
        {
            for (var i = 0; i < 1000; i++)
            {
                series[i % 10].Record(0.01 + (i % 50 * 0.001));
                recorded++;
            }

            time.Advance(TimeSpan.FromSeconds(1));
            await sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        }

        server.Accepted.Should().BeEmpty();
        registry.GetDiagnostics().ExportFailures.Should().BeGreaterThan(0);
        Volatile.Write(ref down, false);
        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        server.Accepted.SelectMany(r => r.Datums()).Sum(d => d.SampleCount).Should().Be(recorded);
        registry.GetDiagnostics().DatumsDropped.Should().Be(0);
        sink.QueuedDatums.Should().Be(0);
    }

    [Fact]
    public async Task Anomaly_detectors_round_trip_through_the_wire_format()
    {
        // moto 5.2.1 answers 500 NotImplemented to PutAnomalyDetector and DescribeAnomalyDetectors: this server plays
        // CloudWatch with the response shape of the API reference.
        var stored = new List<IReadOnlyDictionary<string, string>>();
        await using var server = new LoopbackAwsServer((r, _) =>
        {
            if (r.Action == "PutAnomalyDetector")
            {
                stored.Add(r.Form);
                return LoopbackAwsServer.Ok(r.Action);
            }

            var members = string.Concat(stored.Select(f => $"""
                <member><SingleMetricAnomalyDetector><Namespace>{f["SingleMetricAnomalyDetector.Namespace"]}</Namespace><MetricName>{f["SingleMetricAnomalyDetector.MetricName"]}</MetricName>
                <Dimensions><member><Name>{f["SingleMetricAnomalyDetector.Dimensions.member.1.Name"]}</Name><Value>{f["SingleMetricAnomalyDetector.Dimensions.member.1.Value"]}</Value></member></Dimensions>
                <Stat>{f["SingleMetricAnomalyDetector.Stat"]}</Stat></SingleMetricAnomalyDetector><StateValue>TRAINED</StateValue></member>
                """));
            return Task.FromResult(new LoopbackResponse(200, $"<DescribeAnomalyDetectorsResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><DescribeAnomalyDetectorsResult><AnomalyDetectors>{members}</AnomalyDetectors></DescribeAnomalyDetectorsResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeAnomalyDetectorsResponse>"));
        });
        using var client = Client(server);
        var detector = new AnomalyDetectorDefinition { Namespace = "NBA-Simulator/Performance", MetricName = "S3UploadDuration", Dimensions = [new("Status", "success")], Stat = "p95" };

        await client.PutAnomalyDetectorAsync(new PutAnomalyDetectorRequest(detector), TestContext.Current.CancellationToken);
        var described = await client.DescribeAnomalyDetectorsAsync(new DescribeAnomalyDetectorsRequest { Namespace = "NBA-Simulator/Performance" }, TestContext.Current.CancellationToken);

        described.AnomalyDetectors.Should().ContainSingle().Which.Should().BeEquivalentTo(detector);
        described.RequestId.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Credentials_never_appear_in_errors()
    {
        await using var server = new LoopbackAwsServer((_, _) => Task.FromResult(LoopbackAwsServer.Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match")));
        using var client = Client(server);

        var act = () => client.PutMetricDataAsync(Request(1), TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        error.ToString().Should().NotContain("fault-test-secret");
        server.Requests.First().Authorization.Should().StartWith("AWS4-HMAC-SHA256 Credential=AKIDFAULTTEST/").And.NotContain("fault-test-secret");
    }

    private static CloudWatchClient Client(LoopbackAwsServer server, TimeSpan? timeout = null, int retries = 3)
        => new(Credentials, new CloudWatchClientConfig
        {
            ServiceURL = server.Url,
            AuthenticationRegion = "us-east-1",
            Timeout = timeout ?? TimeSpan.FromSeconds(60), // only bounds a failure: a timeout under load would add an attempt
            MaxErrorRetry = retries,
        });

    private static PutMetricDataRequest Request(int datums)
        => new("NBA-Simulator/ADCE", Enumerable.Range(0, datums).Select(i => Datum($"M{i}")).ToList());

    private static MetricDatum Datum(string name, DateTimeOffset? at = null)
        => MetricDatum.CreateValue("NBA-Simulator/ADCE", name, 1, MetricUnit.Count, at ?? Now, now: at ?? Now); // validated against the test's clock, not today's
}
