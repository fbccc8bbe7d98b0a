using System.Net;
using System.Text;
using System.Text.Json;
using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.CostExplorer;
using NbaSim.Observability.Cli.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.Sns;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Aws;

/// <summary>Our clients against a real AWS-compatible server (moto 5.2.1) on loopback.</summary>
public sealed class MotoRoundTripTests(MotoServer moto)
{
    private static readonly string Run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>One metric's statistics over one hour-long period: SampleCount and Sum, and Minimum and Maximum when asked.</summary>
    private static Task<GetMetricStatisticsResponse> HourlyStatisticsAsync(ICloudWatchClient client, string ns, string metricName, DateTimeOffset from, DateTimeOffset to, bool withExtremes, IReadOnlyList<MetricDimension>? dimensions = null)
        => client.GetMetricStatisticsAsync(new GetMetricStatisticsRequest
        {
            Namespace = ns,
            MetricName = metricName,
            Dimensions = dimensions ?? [],
            StartTime = from,
            EndTime = to,
            Period = 3600,
            Statistics = withExtremes ? ["SampleCount", "Sum", "Minimum", "Maximum"] : ["SampleCount", "Sum"],
        }, TestContext.Current.CancellationToken);

    [Theory]
    [InlineData(CloudWatchProtocol.Json)]
    [InlineData(CloudWatchProtocol.Query)]
    public async Task PutMetricData_then_GetMetricStatistics_returns_the_same_statistics(CloudWatchProtocol protocol)
    {
        using var client = await CloudWatchAsync(protocol);
        var ns = $"NBA-Simulator/Test-{Run}-stats-{protocol}";
        var now = DateTimeOffset.UtcNow;
        var at = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-2);
        await client.PutMetricDataAsync(new PutMetricDataRequest(ns,
        [
            MetricDatum.CreateStatistics(ns, "S3UploadDuration", new StatisticSet(5, 2.0, 0.1, 1.2), MetricUnit.Seconds, at, [new("Status", "success")], [0.1, 0.3, 1.2], [2, 2, 1]),
            MetricDatum.CreateValue(ns, "S3UploadDuration", 0.7, MetricUnit.Seconds, at, [new("Status", "success")]),
        ]), TestContext.Current.CancellationToken);

        var stats = await HourlyStatisticsAsync(client, ns, "S3UploadDuration", at.AddMinutes(-5), at.AddMinutes(5), withExtremes: true, dimensions: [new("Status", "success")]);

        // moto computes a datum that carries both StatisticValues and Values/Counts from the Values/Counts (real
        // CloudWatch takes the statistic set for SampleCount/Sum/Min/Max): counts, min and max still match exactly,
        // the sum to within the distribution's 1 %.
        var datapoint = stats.Datapoints.Should().ContainSingle().Subject;
        datapoint.SampleCount.Should().Be(6);
        datapoint.Sum.Should().BeApproximately(2.7, 1e-9);
        datapoint.Minimum.Should().Be(0.1);
        datapoint.Maximum.Should().Be(1.2);
        stats.RequestId.Should().NotBeNullOrEmpty();

        await client.PutMetricDataAsync(new PutMetricDataRequest(ns,
        [
            MetricDatum.CreateStatistics(ns, "ADCETasksCompleted", new StatisticSet(3, 9, 1, 5), MetricUnit.Count, at),
            MetricDatum.CreateStatistics(ns, "ADCETasksCompleted", new StatisticSet(2, 4.5, 0.5, 4), MetricUnit.Count, at),
        ]), TestContext.Current.CancellationToken);
        var counter = await HourlyStatisticsAsync(client, ns, "ADCETasksCompleted", at.AddMinutes(-5), at.AddMinutes(5), withExtremes: true);
        counter.Datapoints.Single().Should().Match<Datapoint>(d => d.SampleCount == 5 && d.Sum == 13.5 && d.Minimum == 0.5 && d.Maximum == 5);
    }

    [Fact]
    public async Task A_large_PutMetricData_is_sent_gzip_compressed_and_read_back()
    {
        // awsQuery: moto 5.2.1 reads gzip form bodies but answers 500 to gzip JSON (JsonGzipTests covers JSON).
        using var client = await CloudWatchAsync(CloudWatchProtocol.Query, compress: true);
        var ns = $"NBA-Simulator/Test-{Run}-gzip";
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var datums = Enumerable.Range(0, 400)
            .Select(i => MetricDatum.CreateValue(ns, "ADCETasksCompleted", i, MetricUnit.Count, at, [new("Worker", "w1"), new("Queue", "games")]))
            .ToList();
        var request = new PutMetricDataRequest(ns, datums);
        var before = client.Counters.BytesSent;

        await client.PutMetricDataAsync(request, TestContext.Current.CancellationToken);

        request.MarshalledBytes.Should().BeGreaterThan(10_240);
        (client.Counters.BytesSent - before).Should().BeLessThan(request.MarshalledBytes / 3, "the body went out gzip-compressed");
        var stats = await HourlyStatisticsAsync(client, ns, "ADCETasksCompleted", at.AddMinutes(-5), at.AddMinutes(5), withExtremes: false, dimensions: [new("Worker", "w1"), new("Queue", "games")]);
        stats.Datapoints.Single().SampleCount.Should().Be(400);
        stats.Datapoints.Single().Sum.Should().Be(399 * 400 / 2);
    }

    [Theory]
    [InlineData(CloudWatchProtocol.Json)]
    [InlineData(CloudWatchProtocol.Query)]
    public async Task The_exporter_publishes_the_pipeline_output_that_reads_back_exactly(CloudWatchProtocol protocol)
    {
        using var client = await CloudWatchAsync(protocol);
        var ns = $"NBA-Simulator/Test-{Run}-exporter-{protocol}";
        var registry = new MetricRegistry();
        var exporter = new CloudWatchExporter(client);
        await using var sink = new BufferedMetricSink(registry, exporter, new NbaObservabilityOptions());
        var series = registry.Distribution(ns, "DataExtractionDuration", MetricUnit.Seconds, new MetricDimension("Status", "success"));
        var counter = registry.Counter(ns, "ADCETasksCompleted");
        for (var i = 1; i <= 1000; i++)
        {
            series.Record(i / 1000.0);
            counter.Increment();
        }

        await sink.ForceFlushAsync(TestContext.Current.CancellationToken);

        registry.GetDiagnostics().BatchesExported.Should().Be(1);
        var now = DateTimeOffset.UtcNow;
        var durations = await HourlyStatisticsAsync(client, ns, "DataExtractionDuration", now.AddMinutes(-10), now.AddMinutes(5), withExtremes: true, dimensions: [new("Status", "success")]);
        var point = durations.Datapoints.Should().ContainSingle().Subject;
        point.SampleCount.Should().Be(1000);
        point.Sum.Should().BeApproximately(500.5, 5.005, "moto sums the Values/Counts representatives (within 1 %)");
        point.Minimum.Should().Be(0.001);
        point.Maximum.Should().Be(1.0);
        var completed = await HourlyStatisticsAsync(client, ns, "ADCETasksCompleted", now.AddMinutes(-10), now.AddMinutes(5), withExtremes: false);
        completed.Datapoints.Single().Sum.Should().Be(1000, "a counter's statistic set is exact");
    }

    [Theory]
    [InlineData(CloudWatchProtocol.Json)]
    [InlineData(CloudWatchProtocol.Query)]
    public async Task Validation_errors_carry_code_message_request_id_and_status(CloudWatchProtocol protocol)
    {
        using var client = await CloudWatchAsync(protocol);
        var act = () => client.GetMetricStatisticsAsync(new GetMetricStatisticsRequest
        {
            Namespace = $"NBA-Simulator/Test-{Run}",
            MetricName = "X",
            StartTime = DateTimeOffset.UtcNow.AddMinutes(-5),
            EndTime = DateTimeOffset.UtcNow,
            Period = 60,
        }, TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        error.ErrorCode.Should().Be("InvalidParameterCombination");
        error.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        error.IsValidationError.Should().BeTrue();
        error.IsTransient.Should().BeFalse();
        error.RequestId.Should().NotBeNullOrEmpty();
        error.Message.Should().NotContain("testing-secret-key");
        client.Counters.Attempts.Should().Be(1, "a validation error is not retried");
    }

    [Theory]
    [InlineData(CloudWatchProtocol.Json)]
    [InlineData(CloudWatchProtocol.Query)]
    public async Task Dashboards_round_trip(CloudWatchProtocol protocol)
    {
        using var client = await CloudWatchAsync(protocol);
        var name = $"NBA-Simulator-Test-{Run}-{protocol}";
        var body = """{"widgets":[{"type":"metric","x":0,"y":0,"width":12,"height":6,"properties":{"metrics":[["NBA-Simulator/DataCollection","S3ObjectCount"]],"period":3600,"stat":"Average","region":"us-east-1","title":"S3 Bucket Growth"}}]}""";

        await client.PutDashboardAsync(new PutDashboardRequest { DashboardName = name, DashboardBody = body }, TestContext.Current.CancellationToken);
        var got = await client.GetDashboardAsync(new GetDashboardRequest { DashboardName = name }, TestContext.Current.CancellationToken);
        var listed = await client.ListDashboardsAsync(new ListDashboardsRequest { DashboardNamePrefix = name }, TestContext.Current.CancellationToken);
        await client.DeleteDashboardsAsync(new DeleteDashboardsRequest { DashboardNames = [name] }, TestContext.Current.CancellationToken);
        var after = await client.ListDashboardsAsync(new ListDashboardsRequest { DashboardNamePrefix = name }, TestContext.Current.CancellationToken);

        got.DashboardName.Should().Be(name);
        JsonDocument.Parse(got.DashboardBody!).RootElement.GetRawText().Should().Be(JsonDocument.Parse(body).RootElement.GetRawText());
        listed.DashboardEntries.Should().ContainSingle(e => e.DashboardName == name);
        after.DashboardEntries.Should().BeEmpty();
    }

    [Theory]
    [InlineData(CloudWatchProtocol.Json)]
    [InlineData(CloudWatchProtocol.Query)]
    public async Task Alarms_round_trip_including_metric_math_and_anomaly_band_alarms(CloudWatchProtocol protocol)
    {
        using var client = await CloudWatchAsync(protocol);
        var threshold = new MetricAlarmDefinition
        {
            AlarmName = $"ADCE-HighFailureRate-{Run}",
            AlarmDescription = "ADCE success rate dropped below 95%",
            ActionsEnabled = true,
            AlarmActions = ["arn:aws:sns:us-east-1:123456789012:nba-simulator-alerts"],
            MetricName = "ADCESuccessRate",
            Namespace = "NBA-Simulator/ADCE",
            Statistic = "Average",
            Period = 300,
            EvaluationPeriods = 2,
            Threshold = 95,
            ComparisonOperator = "LessThanThreshold",
            TreatMissingData = "missing",
        };
        var anomaly = new MetricAlarmDefinition
        {
            AlarmName = $"ADCE-QueueDepthAnomaly-{Run}",
            ComparisonOperator = "GreaterThanUpperThreshold",
            EvaluationPeriods = 3,
            ThresholdMetricId = "ad1",
            TreatMissingData = "ignore",
            Metrics =
            [
                new MetricDataQuery { Id = "m1", ReturnData = true, MetricStat = new MetricStat { Metric = new MetricIdentity { Namespace = "NBA-Simulator/ADCE", MetricName = "ADCEQueueDepth" }, Period = 300, Stat = "Average" } },
                new MetricDataQuery { Id = "ad1", Expression = "ANOMALY_DETECTION_BAND(m1, 2)", ReturnData = true },
            ],
        };

        await client.PutMetricAlarmAsync(new PutMetricAlarmRequest(threshold), TestContext.Current.CancellationToken);
        await client.PutMetricAlarmAsync(new PutMetricAlarmRequest(anomaly), TestContext.Current.CancellationToken);
        await client.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = threshold.AlarmName, StateValue = "ALARM", StateReason = "test" }, TestContext.Current.CancellationToken);
        var described = await client.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNames = [threshold.AlarmName, anomaly.AlarmName] }, TestContext.Current.CancellationToken);

        var first = described.MetricAlarms.Single(a => a.Definition.AlarmName == threshold.AlarmName);
        first.Definition.Should().BeEquivalentTo(threshold, o => o.Excluding(a => a.Unit));
        first.StateValue.Should().Be("ALARM");
        var second = described.MetricAlarms.Single(a => a.Definition.AlarmName == anomaly.AlarmName);
        second.Definition.Metrics.Should().HaveCount(2);
        second.Definition.Metrics[1].Expression.Should().Be("ANOMALY_DETECTION_BAND(m1, 2)");
        second.Definition.ThresholdMetricId.Should().Be("ad1");

        await client.DeleteAlarmsAsync(new DeleteAlarmsRequest { AlarmNames = [threshold.AlarmName, anomaly.AlarmName] }, TestContext.Current.CancellationToken);
        (await client.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNames = [threshold.AlarmName] }, TestContext.Current.CancellationToken)).MetricAlarms.Should().BeEmpty();
    }

    [Fact]
    public async Task Sns_topics_subscriptions_policy_and_publish_round_trip()
    {
        using var sns = new SnsClient(MotoServer.Credentials, new SnsClientConfig { ServiceURL = await moto.UrlAsync(), AuthenticationRegion = "us-east-1" });
        var name = $"nba-simulator-alerts-{Run}";
        var created = await sns.CreateTopicAsync(new CreateTopicRequest { Name = name }, TestContext.Current.CancellationToken);
        var again = await sns.CreateTopicAsync(new CreateTopicRequest { Name = name }, TestContext.Current.CancellationToken);
        again.TopicArn.Should().Be(created.TopicArn, "CreateTopic is idempotent");

        await sns.SubscribeAsync(new SubscribeRequest { TopicArn = created.TopicArn, Protocol = "email", Endpoint = "oncall@example.com", ReturnSubscriptionArn = true }, TestContext.Current.CancellationToken);
        await sns.SubscribeAsync(new SubscribeRequest { TopicArn = created.TopicArn, Protocol = "sms", Endpoint = "+15555550100" }, TestContext.Current.CancellationToken);
        var policy = $$$"""{"Version":"2012-10-17","Statement":[{"Sid":"AllowCloudWatchAlarms","Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"SNS:Publish","Resource":"{{{created.TopicArn}}}"}]}""";
        await sns.SetTopicAttributesAsync(new SetTopicAttributesRequest { TopicArn = created.TopicArn, AttributeName = "Policy", AttributeValue = policy }, TestContext.Current.CancellationToken);

        var subscriptions = await sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = created.TopicArn }, TestContext.Current.CancellationToken);
        var attributes = await sns.GetTopicAttributesAsync(new GetTopicAttributesRequest { TopicArn = created.TopicArn }, TestContext.Current.CancellationToken);
        var published = await sns.PublishAsync(new PublishRequest { TopicArn = created.TopicArn, Message = "test", Subject = "nbaobs" }, TestContext.Current.CancellationToken);

        subscriptions.Subscriptions.Select(s => (s.Protocol, s.Endpoint)).Should().BeEquivalentTo([("email", "oncall@example.com"), ("sms", "+15555550100")]);
        JsonDocument.Parse(attributes.Attributes["Policy"]).RootElement.GetProperty("Statement")[0].GetProperty("Principal").GetProperty("Service").GetString().Should().Be("cloudwatch.amazonaws.com");
        published.MessageId.Should().NotBeNullOrEmpty();

        var missing = () => sns.SubscribeAsync(new SubscribeRequest { TopicArn = created.TopicArn + "-missing", Protocol = "email", Endpoint = "x@example.com" }, TestContext.Current.CancellationToken);
        (await missing.Should().ThrowAsync<AwsApiException>()).Which.ErrorCode.Should().Be("NotFound");
    }

    /// <summary>A client of moto. JSON bodies go uncompressed: moto 5.2.1 answers 500 to gzip-compressed JSON.</summary>
    private async Task<CloudWatchClient> CloudWatchAsync(CloudWatchProtocol protocol = CloudWatchProtocol.Json, bool compress = false)
        => new(MotoServer.Credentials, new CloudWatchClientConfig
        {
            ServiceURL = await moto.UrlAsync(),
            AuthenticationRegion = "us-east-1",
            Protocol = protocol,
            DisableRequestCompression = !compress,
        });
}

/// <summary>moto's seeded Cost Explorer results are one queue per server: tests that seed it run one at a time.</summary>
[CollectionDefinition(nameof(CostExplorerSeedSerial))]
public sealed class CostExplorerSeedSerial;

[Collection(nameof(CostExplorerSeedSerial))]
public sealed class CostExplorerSeedTests(MotoServer moto)
{
    private static readonly string Run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task GetCostAndUsage_returns_seeded_results_across_pages()
    {
        var url = await moto.UrlAsync();
        var start = new DateOnly(2026, 11, 1);
        var end = new DateOnly(2026, 11, 20 + Random.Shared.Next(0, 8));
        using (var http = new HttpClient())
        {
            var seed = """
                {"results":[
                  {"ResultsByTime":[{"TimePeriod":{"Start":"2026-11-01","End":"@END@"},"Total":{"UnblendedCost":{"Amount":"41.25","Unit":"USD"}},"Groups":[],"Estimated":true}],"NextPageToken":"page-2-@RUN@"},
                  {"ResultsByTime":[{"TimePeriod":{"Start":"2026-11-01","End":"@END@"},"Total":{},"Groups":[{"Keys":["Amazon Simple Storage Service"],"Metrics":{"UnblendedCost":{"Amount":"2.71","Unit":"USD"}}}],"Estimated":true}]}
                ]}
                """.Replace("@END@", end.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("@RUN@", Run, StringComparison.Ordinal);
            using var response = await http.PostAsync(url + "/moto-api/static/ce/cost-and-usage-results", new StringContent(seed, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }

        using var ce = new CostExplorerClient(MotoServer.Credentials, new CostExplorerClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1" });
        var results = await ce.GetAllCostAndUsageAsync(new GetCostAndUsageRequest { TimePeriod = new DateInterval(start, end), GroupBy = [new("DIMENSION", $"SERVICE-{Run}")] }, TestContext.Current.CancellationToken);

        results.Should().HaveCount(2);
        results[0].Total["UnblendedCost"].Amount.Should().Be(41.25m);
        results[1].Groups.Single().Keys.Should().Equal("Amazon Simple Storage Service");
        results[1].Groups.Single().Metrics["UnblendedCost"].Amount.Should().Be(2.71m);
        ce.Counters.Attempts.Should().Be(2, "one request per page");
    }
}
