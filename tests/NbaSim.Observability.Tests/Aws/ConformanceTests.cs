using System.Globalization;
using System.Text.Json;
using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.CostExplorer;
using NbaSim.Observability.Cli.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.Sns;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Aws;

/// <summary>
/// Our serialization against botocore's (the reference implementation): tests/conformance/generate_golden.py wrote each
/// vector with botocore's serializers; we build the same input with our types and compare parameter by parameter.
/// </summary>
public class ConformanceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Vectors() => Files(kind: null);

    public static TheoryData<string> ErrorVectors() => Files("error");

    public static TheoryData<string> SigV4Vectors() => Files("sigv4");

    [Fact]
    public void Every_operation_the_product_sends_has_a_vector_in_each_protocol_it_speaks()
    {
        var vectors = Vectors().Select(v => Load(v.Data).RootElement).Select(r => (r.GetProperty("operation").GetString(), r.GetProperty("protocol").GetString())).ToHashSet();
        string[] cloudWatch = ["PutMetricData", "GetMetricStatistics", "GetMetricData", "ListMetrics", "PutDashboard", "PutMetricAlarm", "DescribeAlarms", "DeleteAlarms", "SetAlarmState", "PutAnomalyDetector", "DescribeAnomalyDetectors"];
        foreach (var operation in cloudWatch)
        {
            vectors.Should().Contain((operation, "json")).And.Contain((operation, "query"));
        }

        vectors.Should().Contain([("CreateTopic", "query"), ("Subscribe", "query"), ("SetTopicAttributes", "query"), ("GetCostAndUsage", "json"), ("GetCostForecast", "json")]);
        ErrorVectors().Select(v => Load(v.Data).RootElement.GetProperty("protocol").GetString()).Should().Contain(["query", "json"]);
        SigV4Vectors().Should().HaveCount(2);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Serialization_matches_botocore(string vector)
    {
        using var golden = Load(vector);
        var root = golden.RootElement;
        var input = root.GetProperty("input");
        var request = Build(root.GetProperty("operation").GetString()!, input);
        var service = root.GetProperty("service").GetString();
        if (root.GetProperty("protocol").GetString() == "query")
        {
            // The exact key=value strings, Version and empty lists included.
            var expected = root.GetProperty("form").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var actual = Form(service == "sns" ? SnsClient.Protocol.FormBody(request) : CloudWatchClient.QueryProtocol.FormBody(request));
            actual.Keys.Should().BeEquivalentTo(expected.Keys);
            foreach (var (key, value) in expected)
            {
                Equivalent(actual[key], value).Should().BeTrue($"{key}: ours '{actual[key]}', botocore '{value}'");
            }

            return;
        }

        var marshalled = service == "ce"
            ? CostExplorerClient.Protocol.Marshall(request)
            : CloudWatchClient.ProtocolFor(new CloudWatchClientConfig { DisableRequestCompression = true }).Marshaller.Marshall(request);
        using var ours = JsonDocument.Parse(marshalled.Content ?? ReadAll(marshalled.ContentStream));
        JsonEqual(ours.RootElement, root.GetProperty("json")).Should().BeTrue(ours.RootElement.GetRawText());
        foreach (var path in root.GetProperty("integer_paths").EnumerateArray().Select(p => p.GetString()!))
        {
            var token = At(ours.RootElement, path).GetRawText();
            token.Should().MatchRegex("^-?[0-9]+$", $"{path} is an integer member and must be an integer token");
        }

        foreach (var header in root.GetProperty("headers").EnumerateObject())
        {
            marshalled.Headers.Should().Contain(header.Name, header.Value.GetString()!);
        }
    }

    [Theory]
    [MemberData(nameof(ErrorVectors))]
    public async Task Error_responses_read_as_botocore_reads_them(string vector)
    {
        using var golden = Load(vector);
        var root = golden.RootElement;
        using var listener = new System.Net.HttpListener();
        var port = Ports.Free();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serve = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            context.Response.StatusCode = root.GetProperty("status").GetInt32();
            foreach (var header in root.GetProperty("headers").EnumerateObject())
            {
                context.Response.Headers[header.Name] = header.Value.GetString();
            }

            var body = System.Text.Encoding.UTF8.GetBytes(root.GetProperty("body").GetString()!);
            context.Response.ContentType = root.GetProperty("protocol").GetString() == "json" ? "application/x-amz-json-1.0" : "text/xml";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }, TestContext.Current.CancellationToken);
        using var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("a", "b"), new CloudWatchClientConfig
        {
            ServiceURL = $"http://127.0.0.1:{port}/",
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            Protocol = root.GetProperty("protocol").GetString() == "json" ? CloudWatchProtocol.Json : CloudWatchProtocol.Query,
        });

        var call = () => client.PutMetricDataAsync(new PutMetricDataRequest("NBA-Simulator/ADCE", [MetricDatum.CreateValue("NBA-Simulator/ADCE", "M", 1, MetricUnit.Count, DateTimeOffset.UtcNow)]), TestContext.Current.CancellationToken);

        var error = (await call.Should().ThrowAsync<AwsApiException>()).Which;
        await serve;
        error.ErrorCode.Should().Be(root.GetProperty("code").GetString());
        error.Message.Should().Be(root.GetProperty("message").GetString());
        ((int)error.StatusCode).Should().Be(root.GetProperty("status").GetInt32());
        error.RequestId.Should().Be(root.GetProperty("request_id").GetString());
        if (root.GetProperty("type").GetString() is { } type)
        {
            error.ErrorType.ToString().Should().Be(type);
        }
    }

    [Theory]
    [MemberData(nameof(SigV4Vectors))]
    public void The_signature_of_our_request_equals_botocores(string vector)
    {
        using var golden = Load(vector);
        var root = golden.RootElement;
        var body = Convert.FromBase64String(root.GetProperty("body_base64").GetString()!);

        // Our marshaller's headers (the vector's headers are botocore's: they must be the same set), the vector's bytes.
        var gzip = root.GetProperty("headers").TryGetProperty("Content-Encoding", out _);
        var config = new CloudWatchClientConfig { ServiceURL = root.GetProperty("url").GetString(), AuthenticationRegion = "us-east-1", DisableClockSkewCorrection = true, RequestMinCompressionSizeBytes = 0, DisableRequestCompression = !gzip };
        var request = CloudWatchClient.ProtocolFor(config).Marshaller.Marshall(new PutMetricDataRequest("NBA-Simulator/ADCE", [MetricDatum.CreateValue("NBA-Simulator/ADCE", "M", 1, MetricUnit.Count, DateTimeOffset.UtcNow)]));
        request.Headers.Keys.Should().BeEquivalentTo(root.GetProperty("headers").EnumerateObject().Select(h => h.Name));
        if (request.ContentStream is null)
        {
            request.Content = body;
        }
        else
        {
            // PutMetricData's body reaches the SDK as a stream over a pooled buffer: sign the vector's bytes the same way.
            request.ContentStream = new MemoryStream(body, writable: false);
        }

        request.Endpoint = new Uri(root.GetProperty("url").GetString()!);
        request.AuthenticationRegion = root.GetProperty("region").GetString();
        var signedAt = DateTime.Parse(root.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

        var result = new Amazon.Runtime.Internal.Auth.AWS4Signer().SignRequest(request, config, null, root.GetProperty("access_key").GetString(), root.GetProperty("secret_key").GetString(), signedAt);

        result.ForAuthorizationHeader.Should().Be(root.GetProperty("authorization").GetString());
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static TheoryData<string> Files(string? kind)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "golden"), "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            using var document = Load(name);
            var actual = document.RootElement.TryGetProperty("kind", out var k) ? k.GetString() : null;
            if (actual == kind)
            {
                data.Add(name);
            }
        }

        return data;
    }

    private static Dictionary<string, string> Form(string body)
        => body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1]));

    private static JsonElement At(JsonElement root, string path)
    {
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            root = root.ValueKind == JsonValueKind.Array ? root[int.Parse(part, CultureInfo.InvariantCulture)] : root.GetProperty(part);
        }

        return root;
    }


    private static JsonDocument Load(string vector)
        => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", vector + ".json")));

    /// <summary>Same text, or numbers that parse to the same double, or timestamps naming the same instant.</summary>
    private static bool Equivalent(string ours, string theirs)
    {
        if (ours == theirs)
        {
            return true;
        }

        if (double.TryParse(ours, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && double.TryParse(theirs, NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
        {
            return a.Equals(b);
        }

        return DateTimeOffset.TryParse(ours, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var x)
            && DateTimeOffset.TryParse(theirs, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var y)
            && x == y;
    }

    private static bool JsonEqual(JsonElement a, JsonElement b) => (a.ValueKind, b.ValueKind) switch
    {
        (JsonValueKind.Object, JsonValueKind.Object) => a.EnumerateObject().Count() == b.EnumerateObject().Count()
            && a.EnumerateObject().All(p => b.TryGetProperty(p.Name, out var v) && JsonEqual(p.Value, v)),
        (JsonValueKind.Array, JsonValueKind.Array) => a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => JsonEqual(p.First, p.Second)),
        (JsonValueKind.Number, JsonValueKind.Number) => a.GetDouble().Equals(b.GetDouble()),
        (JsonValueKind.String, JsonValueKind.String) => a.GetString() == b.GetString(),
        _ => a.ValueKind == b.ValueKind && a.GetRawText() == b.GetRawText(),
    };

    private static AwsRequest Build(string operation, JsonElement i) => operation switch
    {
        "PutMetricData" => new PutMetricDataRequest(i.GetProperty("Namespace").GetString()!, i.GetProperty("MetricData").EnumerateArray().Select(d => Datum(i.GetProperty("Namespace").GetString()!, d)).ToList()),
        "PutMetricAlarm" => new PutMetricAlarmRequest(Alarm(i)),
        "PutDashboard" => new PutDashboardRequest { DashboardName = S(i, "DashboardName")!, DashboardBody = S(i, "DashboardBody")! },
        "PutAnomalyDetector" => new PutAnomalyDetectorRequest(Detector(i)),
        "GetMetricStatistics" => new GetMetricStatisticsRequest
        {
            Namespace = S(i, "Namespace")!,
            MetricName = S(i, "MetricName")!,
            Dimensions = Dims(i),
            StartTime = Time(i, "StartTime"),
            EndTime = Time(i, "EndTime"),
            Period = i.GetProperty("Period").GetInt32(),
            Statistics = Strings(i, "Statistics"),
            ExtendedStatistics = Strings(i, "ExtendedStatistics"),
            Unit = Unit(i),
        },
        "GetMetricData" => new GetMetricDataRequest
        {
            MetricDataQueries = i.GetProperty("MetricDataQueries").EnumerateArray().Select(Query).ToList(),
            StartTime = Time(i, "StartTime"),
            EndTime = Time(i, "EndTime"),
            ScanBy = S(i, "ScanBy"),
            MaxDatapoints = i.GetProperty("MaxDatapoints").GetInt32(),
            NextToken = S(i, "NextToken"),
        },
        "ListMetrics" => new ListMetricsRequest { Namespace = S(i, "Namespace"), MetricName = S(i, "MetricName"), NextToken = S(i, "NextToken") },
        "DeleteAlarms" => new DeleteAlarmsRequest { AlarmNames = Strings(i, "AlarmNames") },
        "DescribeAnomalyDetectors" => new DescribeAnomalyDetectorsRequest { Namespace = S(i, "Namespace"), MetricName = S(i, "MetricName"), MaxResults = i.GetProperty("MaxResults").GetInt32(), NextToken = S(i, "NextToken") },
        "GetCostForecast" => new GetCostForecastRequest
        {
            TimePeriod = new DateInterval(DateOnly.Parse(S(i.GetProperty("TimePeriod"), "Start")!, CultureInfo.InvariantCulture), DateOnly.Parse(S(i.GetProperty("TimePeriod"), "End")!, CultureInfo.InvariantCulture)),
            Metric = S(i, "Metric")!,
            Granularity = S(i, "Granularity")!,
        },
        "DescribeAlarms" => new DescribeAlarmsRequest { AlarmNames = Strings(i, "AlarmNames"), AlarmTypes = Strings(i, "AlarmTypes"), MaxRecords = i.GetProperty("MaxRecords").GetInt32() },
        "SetAlarmState" => new SetAlarmStateRequest { AlarmName = S(i, "AlarmName")!, StateValue = S(i, "StateValue")!, StateReason = S(i, "StateReason")! },
        "CreateTopic" => new CreateTopicRequest { Name = S(i, "Name")!, Tags = i.GetProperty("Tags").EnumerateArray().ToDictionary(t => S(t, "Key")!, t => S(t, "Value")!) },
        "Subscribe" => new SubscribeRequest { TopicArn = S(i, "TopicArn")!, Protocol = S(i, "Protocol")!, Endpoint = S(i, "Endpoint")!, ReturnSubscriptionArn = i.GetProperty("ReturnSubscriptionArn").GetBoolean() },
        "SetTopicAttributes" => new SetTopicAttributesRequest { TopicArn = S(i, "TopicArn")!, AttributeName = S(i, "AttributeName")!, AttributeValue = S(i, "AttributeValue")! },
        "GetCostAndUsage" => new GetCostAndUsageRequest
        {
            TimePeriod = new DateInterval(DateOnly.Parse(S(i.GetProperty("TimePeriod"), "Start")!, CultureInfo.InvariantCulture), DateOnly.Parse(S(i.GetProperty("TimePeriod"), "End")!, CultureInfo.InvariantCulture)),
            Granularity = S(i, "Granularity")!,
            Metrics = Strings(i, "Metrics"),
            GroupBy = i.GetProperty("GroupBy").EnumerateArray().Select(g => new GroupDefinition(S(g, "Type")!, S(g, "Key")!)).ToList(),
            NextPageToken = S(i, "NextPageToken"),
        },
        _ => throw new NotSupportedException(operation),
    };

    private static MetricDatum Datum(string ns, JsonElement d)
    {
        var unit = Unit(d) ?? MetricUnit.None;
        var resolution = d.TryGetProperty("StorageResolution", out var r) ? r.GetInt32() : 60;
        var timestamp = Time(d, "Timestamp");
        if (d.TryGetProperty("StatisticValues", out var s))
        {
            var stats = new StatisticSet(s.GetProperty("SampleCount").GetDouble(), s.GetProperty("Sum").GetDouble(), s.GetProperty("Minimum").GetDouble(), s.GetProperty("Maximum").GetDouble());
            return MetricDatum.CreateStatistics(ns, S(d, "MetricName")!, stats, unit, timestamp, Dims(d), Numbers(d, "Values"), Numbers(d, "Counts"), resolution, T0);
        }

        return MetricDatum.CreateValue(ns, S(d, "MetricName")!, d.GetProperty("Value").GetDouble(), unit, timestamp, Dims(d), resolution, T0);
    }

    private static MetricAlarmDefinition Alarm(JsonElement i) => new()
    {
        AlarmName = S(i, "AlarmName")!,
        AlarmDescription = S(i, "AlarmDescription"),
        ActionsEnabled = i.TryGetProperty("ActionsEnabled", out var ae) ? ae.GetBoolean() : null,
        AlarmActions = Strings(i, "AlarmActions"),
        MetricName = S(i, "MetricName"),
        Namespace = S(i, "Namespace"),
        Statistic = S(i, "Statistic"),
        Period = i.TryGetProperty("Period", out var p) ? p.GetInt32() : null,
        EvaluationPeriods = i.TryGetProperty("EvaluationPeriods", out var ep) ? ep.GetInt32() : 0,
        DatapointsToAlarm = i.TryGetProperty("DatapointsToAlarm", out var dta) ? dta.GetInt32() : null,
        Threshold = i.TryGetProperty("Threshold", out var t) ? t.GetDouble() : null,
        ComparisonOperator = S(i, "ComparisonOperator") ?? string.Empty,
        TreatMissingData = S(i, "TreatMissingData"),
        PromQL = i.TryGetProperty("EvaluationCriteria", out var ec)
            ? new PromQLCriteria(S(ec.GetProperty("PromQLCriteria"), "Query")!, ec.GetProperty("PromQLCriteria").GetProperty("PendingPeriod").GetInt32(), ec.GetProperty("PromQLCriteria").GetProperty("RecoveryPeriod").GetInt32())
            : null,
        EvaluationInterval = i.TryGetProperty("EvaluationInterval", out var ei) ? ei.GetInt32() : null,
        Unit = Unit(i),
        ThresholdMetricId = S(i, "ThresholdMetricId"),
        Metrics = i.TryGetProperty("Metrics", out var m) ? m.EnumerateArray().Select(Query).ToList() : [],
    };

    private static MetricDataQuery Query(JsonElement q) => new()
    {
        Id = S(q, "Id")!,
        Expression = S(q, "Expression"),
        Label = S(q, "Label"),
        ReturnData = q.TryGetProperty("ReturnData", out var rd) ? rd.GetBoolean() : null,
        Period = q.TryGetProperty("Period", out var qp) ? qp.GetInt32() : null,
        MetricStat = q.TryGetProperty("MetricStat", out var ms)
            ? new MetricStat
            {
                Metric = new MetricIdentity { Namespace = S(ms.GetProperty("Metric"), "Namespace")!, MetricName = S(ms.GetProperty("Metric"), "MetricName")!, Dimensions = Dims(ms.GetProperty("Metric")) },
                Period = ms.GetProperty("Period").GetInt32(),
                Stat = S(ms, "Stat")!,
            }
            : null,
    };

    private static AnomalyDetectorDefinition Detector(JsonElement i)
    {
        var single = i.GetProperty("SingleMetricAnomalyDetector");
        var configuration = i.GetProperty("Configuration");
        return new AnomalyDetectorDefinition
        {
            Namespace = S(single, "Namespace")!,
            MetricName = S(single, "MetricName")!,
            Dimensions = Dims(single),
            Stat = S(single, "Stat")!,
            ExcludedTimeRanges = configuration.GetProperty("ExcludedTimeRanges").EnumerateArray().Select(r => new ExcludedTimeRange(Time(r, "StartTime"), Time(r, "EndTime"))).ToList(),
            MetricTimezone = S(configuration, "MetricTimezone"),
        };
    }

    private static string? S(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    private static DateTimeOffset Time(JsonElement e, string name) => DateTimeOffset.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    private static MetricUnit? Unit(JsonElement e) => MetricUnitNames.TryParse(S(e, "Unit"), out var u) ? u : null;

    private static IReadOnlyList<string> Strings(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) ? v.EnumerateArray().Select(x => x.GetString()!).ToList() : [];

    private static double[]? Numbers(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) ? v.EnumerateArray().Select(x => x.GetDouble()).ToArray() : null;

    private static MetricDimension[] Dims(JsonElement e)
        => e.TryGetProperty("Dimensions", out var v) ? v.EnumerateArray().Select(d => new MetricDimension(S(d, "Name")!, S(d, "Value")!)).ToArray() : [];
}
