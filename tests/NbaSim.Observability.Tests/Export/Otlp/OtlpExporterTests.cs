using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Tests.Infrastructure;
using OpenTelemetry.Proto.Metrics.V1;

namespace NbaSim.Observability.Tests.Export.Otlp;

/// <summary>
/// The OTLP exporter against a loopback receiver that decodes with classes generated from the official
/// opentelemetry-proto files: exact counts and sums, cumulative points, percentiles as PromQL computes them, and the
/// endpoint's documented answers (429, 400, partial_success, limits).
/// </summary>
public sealed class OtlpExporterTests
{
    private const string Ns = "NBA-Simulator/S3";
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public async Task Counters_gauges_and_distributions_decode_exactly_and_stay_cumulative_across_flushes()
    {
        await using var server = new LoopbackOtlpServer();
        await using var run = new OtlpRun(server);
        var uploads = run.Registry.Counter(Ns, "S3UploadCount", MetricUnit.Count, default, new MetricDimension("Status", "success"));
        var depth = run.Registry.Gauge(Ns, "QueueDepth", MetricUnit.Count, default);
        var duration = run.Registry.Distribution(Ns, "S3UploadDuration", MetricUnit.Milliseconds, default, new MetricDimension("Status", "success"));
        var random = new Random(7);
        var samples = new List<double>();
        for (var i = 0; i < 20_000; i++)
        {
            var ms = Math.Exp(5 + (random.NextDouble() * 2) + (random.NextDouble() * 1.5)); // 150 ms … 40 s, skewed
            samples.Add(ms);
            duration.Record(ms);
            uploads.Record(1);
        }

        depth.Record(7);
        depth.Record(9);
        (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();

        var first = server.Accepted.Should().ContainSingle().Subject.Request;
        var scope = first.ResourceMetrics.Should().ContainSingle().Subject.ScopeMetrics.Should().ContainSingle().Subject;
        scope.Scope.Name.Should().Be(Ns, "the namespace is the instrumentation scope");
        first.ResourceMetrics[0].Resource.Attributes.Select(a => a.Key).Should().Contain(["service.name", "service.instance.id"]);

        var count = scope.Metrics.Single(m => m.Name == "S3UploadCount");
        count.Unit.Should().Be("1");
        count.Sum.IsMonotonic.Should().BeTrue();
        count.Sum.AggregationTemporality.Should().Be(AggregationTemporality.Cumulative);
        count.Sum.DataPoints.Should().ContainSingle().Which.AsDouble.Should().Be(20_000);
        count.Sum.DataPoints[0].Attributes.Should().ContainSingle(a => a.Key == "Status" && a.Value.StringValue == "success");

        scope.Metrics.Single(m => m.Name == "QueueDepth").Gauge.DataPoints.Should().ContainSingle().Which.AsDouble.Should().Be(9);

        var histogram = scope.Metrics.Single(m => m.Name == "S3UploadDuration");
        histogram.Unit.Should().Be("ms");
        histogram.ExponentialHistogram.AggregationTemporality.Should().Be(AggregationTemporality.Cumulative);
        var point = histogram.ExponentialHistogram.DataPoints.Should().ContainSingle().Subject;
        point.Count.Should().Be(20_000);
        point.Sum.Should().BeApproximately(samples.Sum(), samples.Sum() * 1e-12);
        point.Min.Should().Be(samples.Min());
        point.Max.Should().Be(samples.Max());
        ((ulong)point.Positive.BucketCounts.Sum(c => (long)c) + point.ZeroCount).Should().Be(point.Count, "count = zero_count + the buckets (OTLP data model)");
        var sorted = samples.Order().ToArray();
        foreach (var q in new[] { 0.5, 0.95, 0.99 })
        {
            var exact = PrometheusQuantile.Exact(sorted, q);
            PrometheusQuantile.Of(point, q).Should().BeApproximately(exact, exact * 0.01, $"p{q * 100} as histogram_quantile reads the buckets");
        }

        // A second minute: the points carry the totals since the first one, from the same start time.
        run.Time.Advance(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 500; i++)
        {
            uploads.Record(1);
            duration.Record(100);
        }

        (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
        var second = server.Accepted.Last().Request.ResourceMetrics[0].ScopeMetrics[0].Metrics;
        var sum2 = second.Single(m => m.Name == "S3UploadCount").Sum.DataPoints.Single();
        sum2.AsDouble.Should().Be(20_500);
        sum2.StartTimeUnixNano.Should().Be(count.Sum.DataPoints[0].StartTimeUnixNano);
        sum2.TimeUnixNano.Should().BeGreaterThan(count.Sum.DataPoints[0].TimeUnixNano);
        var h2 = second.Single(m => m.Name == "S3UploadDuration").ExponentialHistogram.DataPoints.Single();
        h2.Count.Should().Be(20_500);
        h2.Min.Should().Be(100);
        h2.StartTimeUnixNano.Should().Be(point.StartTimeUnixNano);
    }

    [Fact]
    public async Task A_batch_resent_after_a_failed_request_is_counted_once()
    {
        await using var server = new LoopbackOtlpServer((_, attempt) => attempt == 1 ? OtlpAnswer.Error(503, "unavailable") : OtlpAnswer.Ok);
        await using var run = new OtlpRun(server);
        var tasks = run.Registry.Counter("NBA-Simulator/ADCE", "TasksCompleted", MetricUnit.Count, default);
        for (var i = 0; i < 1234; i++)
        {
            tasks.Record(1);
        }

        (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeFalse("the first request failed and retries are off");
        (await run.Sink.ForceFlushAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
        server.Requests.Should().HaveCount(2);
        server.Accepted.Single().Request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Single().Sum.DataPoints.Single().AsDouble.Should().Be(1234, "the retried datums were absorbed once");
        run.Registry.GetDiagnostics().DatumsDropped.Should().Be(0);
    }

    [Fact]
    public async Task Throttling_keeps_the_batch_and_the_next_export_waits_for_Retry_After()
    {
        await using var server = new LoopbackOtlpServer((_, attempt) => attempt == 1
            ? OtlpAnswer.Error(429, "slow down", new Dictionary<string, string> { ["Retry-After"] = "30" })
            : OtlpAnswer.Ok);
        var time = new FakeTimeProvider(Start);
        using var exporter = new OtlpExporter(Options(server), Credentials, timeProvider: time);
        var batch = new[] { Datum("A", 5) };

        var refused = () => exporter.ExportAsync(batch, TestContext.Current.CancellationToken);
        (await refused.Should().ThrowAsync<Amazon.Runtime.AmazonServiceException>()).Which.StatusCode.Should().Be((System.Net.HttpStatusCode)429);

        var retry = exporter.ExportAsync(batch, TestContext.Current.CancellationToken);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        retry.IsCompleted.Should().BeFalse("Retry-After: 30 holds the next request");
        server.Requests.Should().HaveCount(1);
        time.Advance(TimeSpan.FromSeconds(30));
        (await retry).Requests.Should().Be(1);
        server.Accepted.Single().Request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Single().Gauge.DataPoints.Single().AsDouble.Should().Be(5);
    }

    [Fact]
    public async Task A_400_isolates_the_refused_point_counts_and_logs_it_with_the_server_message_and_sends_the_rest()
    {
        await using var server = new LoopbackOtlpServer((r, _) => r.Request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Any(m => m.Name == "Bad")
            ? OtlpAnswer.Error(400, "metric Bad: invalid")
            : OtlpAnswer.Ok);
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogger<OtlpExporter>();
        using var exporter = new OtlpExporter(Options(server), Credentials, logs, new FakeTimeProvider(Start));
        var batch = new[] { Datum("Good1", 1), Datum("Bad", 2), Datum("Good2", 3), Datum("Good3", 4) };

        var result = await exporter.ExportAsync(batch, TestContext.Current.CancellationToken);

        result.RejectedDatums.Should().Be(1);
        result.IsPartial.Should().BeFalse("400 is not retried: what it refused is counted, not handed back");
        server.Accepted.SelectMany(r => r.Request.ResourceMetrics[0].ScopeMetrics[0].Metrics).Select(m => m.Name).Should().BeEquivalentTo(["Good1", "Good2", "Good3"]);
        exporter.RejectedPoints.Should().Be(1);
        logs.Collector.GetSnapshot().Should().Contain(l => l.Level == LogLevel.Error && l.Message.Contains("Bad", StringComparison.Ordinal) && l.Message.Contains("metric Bad: invalid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Partial_success_on_some_of_several_points_counts_the_points_and_logs_the_message()
    {
        await using var server = new LoopbackOtlpServer((_, _) => OtlpAnswer.Partial(2, "2 points had invalid labels"));
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogger<OtlpExporter>();
        using var exporter = new OtlpExporter(Options(server), Credentials, logs, new FakeTimeProvider(Start));

        var result = await exporter.ExportAsync([Datum("A", 1), Datum("B", 2), Datum("C", 3)], TestContext.Current.CancellationToken);

        result.RejectedDatums.Should().Be(0, "which 2 of the 3 points is not said: their datums are not counted as dropped, the next cumulative point carries them again");
        exporter.RejectedPoints.Should().Be(2, "the rejected points are counted as points");
        logs.Collector.GetSnapshot().Should().Contain(l => l.Message.Contains("2 points had invalid labels", StringComparison.Ordinal) && l.Message.Contains("partial_success", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refused_credentials_keep_the_batch()
    {
        await using var server = new LoopbackOtlpServer((_, _) => OtlpAnswer.Error(403, "denied"));
        using var exporter = new OtlpExporter(Options(server), Credentials, timeProvider: new FakeTimeProvider(Start));

        var send = () => exporter.ExportAsync([Datum("A", 1)], TestContext.Current.CancellationToken);

        (await send.Should().ThrowAsync<Amazon.Runtime.AmazonServiceException>()).Which.StatusCode.Should().Be(System.Net.HttpStatusCode.Forbidden);
        exporter.RejectedPoints.Should().Be(0, "nothing is dropped for credentials: the pipeline keeps the batch");
    }

    [Fact]
    public async Task Limits_are_checked_before_sending_with_a_message_naming_the_limit()
    {
        await using var server = new LoopbackOtlpServer();
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogger<OtlpExporter>();
        var time = new FakeTimeProvider(Start);
        using var exporter = new OtlpExporter(Options(server), Credentials, logs, time);
        var old = MetricDatum.CreateValue(Ns, "Old", 1, MetricUnit.Count, Start - TimeSpan.FromDays(15), now: Start - TimeSpan.FromDays(15));
        var future = MetricDatum.CreateValue(Ns, "Future", 1, MetricUnit.Count, Start + TimeSpan.FromMinutes(30), now: Start);

        // 30 dimensions of 1,024 three-byte characters: valid for CloudWatch (characters), 92 KB of labels for OTLP (bytes).
        var wide = Enumerable.Range(0, 30).Select(i => new MetricDimension($"D{i}", new string('\u6F22', 1024))).ToArray();
        var heavy = MetricDatum.CreateValue(Ns, "Heavy", 1, MetricUnit.Count, Start, wide, now: Start);

        var result = await exporter.ExportAsync([old, future, heavy, Datum("Fine", 1)], TestContext.Current.CancellationToken);

        result.RejectedDatums.Should().Be(3);
        server.Accepted.Single().Request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Select(m => m.Name).Should().Equal("Fine");
        var messages = logs.Collector.GetSnapshot().Select(l => l.Message).ToList();
        messages.Should().Contain(m => m.Contains("Old", StringComparison.Ordinal) && m.Contains("14 days", StringComparison.Ordinal));
        messages.Should().Contain(m => m.Contains("Future", StringComparison.Ordinal) && m.Contains("10 minutes", StringComparison.Ordinal));
        messages.Should().Contain(m => m.Contains("Heavy", StringComparison.Ordinal) && m.Contains("40960", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("__name__", "'__'")]
    [InlineData("__temporality__", "'__'")]
    [InlineData("@resource.service.name", "'@'")]
    [InlineData("@aws.account", "'@'")]
    public async Task A_dimension_named_as_a_reserved_label_is_counted_and_logged_not_sent(string name, string prefix)
    {
        await using var server = new LoopbackOtlpServer();
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogger<OtlpExporter>();
        using var exporter = new OtlpExporter(Options(server), Credentials, logs, new FakeTimeProvider(Start));
        var clash = MetricDatum.CreateValue(Ns, "Clash", 1, MetricUnit.Count, Start, [new MetricDimension("Dataset", "box_scores"), new MetricDimension(name, "x")], now: Start);
        var near = MetricDatum.CreateValue(Ns, "Near", 1, MetricUnit.Count, Start, [new MetricDimension("_single", "x"), new MetricDimension("a@b", "x")], now: Start);

        var result = await exporter.ExportAsync([clash, near], TestContext.Current.CancellationToken);

        result.RejectedDatums.Should().Be(1);
        var sent = server.Accepted.Single().Request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Single();
        sent.Name.Should().Be("Near", "one underscore, or '@' inside a name, is an ordinary label");
        logs.Collector.GetSnapshot().Should().ContainSingle(l => l.Message.Contains("Clash", StringComparison.Ordinal)
            && l.Message.Contains($"'{name}'", StringComparison.Ordinal) && l.Message.Contains(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_stay_within_1000_points_and_1_MB_and_every_series_arrives()
    {
        await using var server = new LoopbackOtlpServer();
        using var exporter = new OtlpExporter(Options(server), Credentials, timeProvider: new FakeTimeProvider(Start));

        // 1,000 distributions of 150 values spread over 20 powers of two: far more than 1 MB of points in one batch.
        var values = Enumerable.Range(0, 150).Select(i => Math.Pow(2, i / 7.5)).ToArray();
        var batch = Enumerable.Range(0, 1000).Select(i => MetricDatum.CreateDistribution(Ns, "Wide", values, null, MetricUnit.Milliseconds, Start, [new("Worker", $"w{i}")], now: Start)).ToList();

        var result = await exporter.ExportAsync(batch, TestContext.Current.CancellationToken);

        server.Accepted.Count.Should().BeGreaterThan(1);
        server.Accepted.Should().OnlyContain(r => r.Body.Length <= 1_000_000);
        server.Accepted.Sum(r => r.Request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Sum(m => m.ExponentialHistogram.DataPoints.Count)).Should().Be(1000);
        result.Requests.Should().Be(server.Accepted.Count);
    }

    [Fact]
    public async Task The_signature_is_botocores_for_service_monitoring_over_the_gzip_body_with_the_session_token()
    {
        await using var server = new LoopbackOtlpServer();
        var credentials = new Amazon.Runtime.SessionAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLETOKEN");
        using var exporter = new OtlpExporter(Options(server), credentials, timeProvider: new FakeTimeProvider(Start));

        await exporter.ExportAsync([Datum("A", 1)], TestContext.Current.CancellationToken);

        var request = server.Accepted.Single();
        request.Path.Should().Be("/v1/metrics");
        request.Headers["Content-Type"].Should().Be("application/x-protobuf");
        request.Headers["Content-Encoding"].Should().Be("gzip");
        request.Headers["X-Amz-Security-Token"].Should().Be("FwoGZXIvYXdzEXAMPLETOKEN");
        var authorization = request.Headers["Authorization"];
        authorization.Should().Contain("/us-east-1/monitoring/aws4_request");
        var signed = authorization.Split("SignedHeaders=")[1].Split(',')[0].Split(';').ToHashSet(StringComparer.OrdinalIgnoreCase);
        var spec = new
        {
            access_key = "AKIDEXAMPLE",
            secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token = "FwoGZXIvYXdzEXAMPLETOKEN",
            region = "us-east-1",
            service = "monitoring",
            url = server.MetricsUrl,
            headers = request.Headers.Where(h => signed.Contains(h.Key) && !h.Key.Equals("host", StringComparison.OrdinalIgnoreCase)).ToDictionary(h => h.Key, h => h.Value),
            body_base64 = Convert.ToBase64String(request.Wire),
        };
        (await Wire.JsonWireTests.Python("sigv4_sign.py", JsonSerializer.Serialize(spec))).Trim().Should().Be(authorization);
    }

    [Fact]
    public async Task A_bearer_token_replaces_the_signature_and_is_never_logged()
    {
        await using var server = new LoopbackOtlpServer((_, _) => OtlpAnswer.Error(400, "bad"));
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogger<OtlpExporter>();
        var options = Options(server);
        options.BearerToken = "secret-api-key-123";
        using var exporter = new OtlpExporter(options, Credentials, logs, new FakeTimeProvider(Start));

        await exporter.ExportAsync([Datum("A", 1)], TestContext.Current.CancellationToken);

        server.Requests.Single().Headers["Authorization"].Should().Be("Bearer secret-api-key-123");
        server.Requests.Single().Headers.Should().NotContainKey("X-Amz-Date");
        logs.Collector.GetSnapshot().Should().NotBeEmpty().And.OnlyContain(l => !l.Message.Contains("secret-api-key-123", StringComparison.Ordinal));
    }

    internal static OtlpExporterOptions Options(LoopbackOtlpServer server) => new()
    {
        Endpoint = server.MetricsUrl,
        Region = "us-east-1",
        MaxRetries = 0,
        RequestTimeout = TimeSpan.FromSeconds(10),
        ServiceName = "otlp-tests",
    };

    internal static Amazon.Runtime.AWSCredentials Credentials { get; } = new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    private static MetricDatum Datum(string name, double value) => MetricDatum.CreateValue(Ns, name, value, MetricUnit.Count, Start, now: Start);

    /// <summary>A registry and sink on a fake clock, exporting over OTLP to a loopback server.</summary>
    internal sealed class OtlpRun : IAsyncDisposable
    {
        public OtlpRun(LoopbackOtlpServer server, NbaObservabilityOptions? options = null)
        {
            Options = options ?? new NbaObservabilityOptions { Exporter = MetricExporterKind.Otlp };
            Time = new FakeTimeProvider(Start);
            Registry = new MetricRegistry(Options, Time);
            Exporter = new OtlpExporter(OtlpExporterTests.Options(server), Credentials, timeProvider: Time);
            Sink = new BufferedMetricSink(Registry, Exporter, Options);
        }

        public NbaObservabilityOptions Options { get; }

        public FakeTimeProvider Time { get; }

        public MetricRegistry Registry { get; }

        public OtlpExporter Exporter { get; }

        public BufferedMetricSink Sink { get; }

        public async ValueTask DisposeAsync()
        {
            await Sink.DisposeAsync();
            Exporter.Dispose();
        }
    }
}
