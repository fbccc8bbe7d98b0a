using System.Diagnostics;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.CostExplorer;
using NbaSim.Observability.Cli.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.Sns;
using NbaSim.Observability.Cli.Doctor;
using NbaSim.Observability.Tests.Doctor;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Attacks;

/// <summary>Red team, issue 29 (nbaobs doctor): each test failed on the first version of the doctor (3dcc5be).</summary>
public sealed class RedTeam29AttackTests(DoctorAccount account) : IClassFixture<DoctorAccount>
{
    private const string SnsNs = "xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static MetricAlarmDefinition Seed(string name)
        => NbaMonitoring.Alarms(new MonitoringContext("us-east-1", "123456789012", "nba-simulator-alerts", 150m, [], "bucket")).Single(a => a.AlarmName == name);

    /// <summary>A CloudWatch (JSON 1.0) that lists nothing, has no data, and answers DescribeAlarms with <paramref name="describeAlarms"/>.</summary>
    private static LoopbackAwsServer CloudWatchServer(Func<int, string> describeAlarms, Func<string>? listMetrics = null)
        => new((request, attempt) => Task.FromResult(request.Action switch
        {
            "DescribeAlarms" => new LoopbackResponse(200, describeAlarms(attempt)),
            "ListMetrics" => new LoopbackResponse(200, listMetrics?.Invoke() ?? "{\"Metrics\":[]}"),
            "GetMetricData" => new LoopbackResponse(200, "{\"MetricDataResults\":[],\"Messages\":[]}"),
            _ => new LoopbackResponse(200, "{}"),
        }));

    private static CloudWatchClient CloudWatchOf(LoopbackAwsServer server)
        => new(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = server.Url.TrimEnd('/'), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    /// <summary>Runs the doctor with a deadline; null when it did not finish in time.</summary>
    private static async Task<IReadOnlyList<DoctorFinding>?> RunWithin(DoctorInputs inputs, TimeSpan deadline)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(deadline);
        var run = Task.Run(() => new Cli.Doctor.AccountDoctor(inputs).RunAsync(cts.Token));
        var done = await Task.WhenAny(run, Task.Delay(deadline + TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        if (done != run)
        {
            return null; // still running (CPU-bound, deaf to cancellation)
        }

        try
        {
            return await run;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    // ---------------------------------------------------------------- unbounded pagination

    [Fact]
    public async Task DescribeAlarms_that_always_returns_a_NextToken_does_not_keep_the_doctor_running_forever()
    {
        await account.ResetAsync();
        await using var server = CloudWatchServer(attempt => $"{{\"MetricAlarms\":[],\"CompositeAlarms\":[],\"NextToken\":\"t{attempt}\"}}");
        using var cloudWatch = CloudWatchOf(server);

        var findings = await RunWithin(account.Inputs(cloudWatch: cloudWatch), TimeSpan.FromSeconds(20));

        var calls = server.Requests.Count(r => r.Action == "DescribeAlarms");
        findings.Should().NotBeNull($"the doctor must stop following DescribeAlarms pages; it made {calls} DescribeAlarms calls in 20 s");
        calls.Should().BeLessThan(100);
    }

    [Fact]
    public async Task ListSubscriptionsByTopic_with_empty_pages_and_a_NextToken_forever_does_not_keep_the_doctor_running_forever()
    {
        await account.ResetAsync();
        const string topic = "arn:aws:sns:us-east-1:123456789012:nba-simulator-alerts";
        await using var sns = new LoopbackAwsServer((request, attempt) => Task.FromResult(request.Action switch
        {
            "GetTopicAttributes" => new LoopbackResponse(200, $"<GetTopicAttributesResponse {SnsNs}><GetTopicAttributesResult><Attributes><entry><key>TopicArn</key><value>{topic}</value></entry></Attributes></GetTopicAttributesResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetTopicAttributesResponse>"),
            _ => new LoopbackResponse(200, $"<ListSubscriptionsByTopicResponse {SnsNs}><ListSubscriptionsByTopicResult><Subscriptions/><NextToken>t{attempt}</NextToken></ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>"),
        }));
        using var client = new SnsClient(MotoServer.Credentials, new SnsClientConfig { ServiceURL = sns.Url.TrimEnd('/'), AuthenticationRegion = "us-east-1" });

        var findings = await RunWithin(account.Inputs(sns: client), TimeSpan.FromSeconds(20));

        var calls = sns.Requests.Count(r => r.Action == "ListSubscriptionsByTopic");
        findings.Should().NotBeNull($"the doctor must stop following empty ListSubscriptionsByTopic pages; it made {calls} calls in 20 s");
        calls.Should().BeLessThan(100);
    }

    [Fact]
    public async Task The_cost_check_makes_a_bounded_number_of_billed_GetCostAndUsage_calls()
    {
        // The doctor documents "one GetCostAndUsage request, $0.01"; each further page is billed too.
        await account.ResetAsync();
        await using var ce = new LoopbackAwsServer((_, attempt) => Task.FromResult(new LoopbackResponse(200, $"{{\"ResultsByTime\":[],\"NextPageToken\":\"t{attempt}\",\"DimensionValueAttributes\":[]}}")));
        var costExplorer = new CostExplorerClient(MotoServer.Credentials, new CostExplorerClientConfig { ServiceURL = ce.Url.TrimEnd('/'), AuthenticationRegion = "us-east-1" });

        var findings = await RunWithin(account.Inputs() with { CostExplorer = costExplorer }, TimeSpan.FromSeconds(20));

        var calls = ce.Requests.Count;
        findings.Should().NotBeNull($"the cost check must stop paginating; it made {calls} billed GetCostAndUsage calls in 20 s");
        calls.Should().BeLessThan(10);
    }

    // ---------------------------------------------------------------- a deployed alarm's shape from the server

    [Fact]
    public async Task A_deployed_alarm_with_a_huge_EvaluationPeriods_does_not_hang_the_replay()
    {
        // moto stores whatever PutMetricAlarm says (as would a hostile or proxying endpoint); the replay is
        // O(periods x (N + 2)) with N and Period taken from DescribeAlarms, synchronous and deaf to cancellation.
        await account.ResetAsync();
        var definitions = DoctorAccount.Definitions(DoctorAccount.Monitoring("oncall@example.com"));
        await account.ApplyAsync(definitions);
        var adce = definitions.Alarms.Single(a => a.AlarmName == "ADCE-HighFailureRate");
        await account.CloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest(adce with { Period = 60, EvaluationPeriods = 100_000 }), TestContext.Current.CancellationToken);
        await account.PutAsync(NbaMetricNames.Adce, NbaMetricNames.AdceSuccessRate, 99, DateTimeOffset.UtcNow.AddMinutes(-2));

        var watch = Stopwatch.StartNew();
        var findings = await RunWithin(account.Inputs(), TimeSpan.FromSeconds(30));

        findings.Should().NotBeNull($"the doctor was still replaying after {watch.Elapsed.TotalSeconds:0} s");
    }

    // ---------------------------------------------------------------- a hostile server's text

    [Fact]
    public async Task Control_characters_in_ListMetrics_dimension_values_never_reach_the_printed_report()
    {
        await account.ResetAsync();
        const string evil = "\u001b]0;owned\u0007\u001b[2J\u001b[31mBucket";
        await using var server = CloudWatchServer(
            _ => "{\"MetricAlarms\":[],\"CompositeAlarms\":[]}",
            () => "{\"Metrics\":[{\"Namespace\":\"" + NbaMetricNames.DataCollection + "\",\"MetricName\":\"" + NbaMetricNames.S3ObjectCount + "\",\"Dimensions\":[{\"Name\":\"Bucket\",\"Value\":\"" + evil.Replace("\u001b", "\\u001b", StringComparison.Ordinal).Replace("\u0007", "\\u0007", StringComparison.Ordinal) + "\"}]}]}");
        using var cloudWatch = CloudWatchOf(server);

        var findings = await DoctorAccount.RunAsync(account.Inputs(cloudWatch: cloudWatch));

        // nbaobs doctor prints Subject, Detail and Fix as they are (NbaObsCommand.Doctor.cs, DoctorAsync).
        var printed = findings.Select(f => $"{f.Subject}: {f.Detail} {f.Fix}").ToList();
        printed.Should().NotContain(l => l.Any(char.IsControl), "a server's text must reach the terminal without ANSI escapes: " + string.Join(" | ", printed.Where(l => l.Any(char.IsControl))).Replace("\u001b", "<ESC>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Control_characters_in_a_deployed_alarms_actions_and_state_never_reach_the_printed_report()
    {
        await account.ResetAsync();
        const string alarm = "{\"AlarmName\":\"ADCE-HighFailureRate\",\"AlarmActions\":[\"arn:aws:sns:us-east-1:123456789012:x\\u001b[2J\"],\"OKActions\":[],\"InsufficientDataActions\":[],"
            + "\"StateValue\":\"\\u001b[32mOK\",\"Namespace\":\"NBA-Simulator/ADCE\",\"MetricName\":\"ADCESuccessRate\",\"Statistic\":\"Average\",\"Dimensions\":[],"
            + "\"Period\":300,\"EvaluationPeriods\":2,\"Threshold\":95,\"ComparisonOperator\":\"LessThanThreshold\",\"TreatMissingData\":\"notBreaching\"}";
        await using var server = CloudWatchServer(_ => "{\"MetricAlarms\":[" + alarm + "],\"CompositeAlarms\":[]}");
        using var cloudWatch = CloudWatchOf(server);

        var findings = await DoctorAccount.RunAsync(account.Inputs(cloudWatch: cloudWatch));

        var printed = findings.Select(f => $"{f.Subject}: {f.Detail} {f.Fix}").ToList();
        printed.Should().NotContain(l => l.Any(char.IsControl), "a server's text must reach the terminal without ANSI escapes: " + string.Join(" | ", printed.Where(l => l.Any(char.IsControl))).Replace("\u001b", "<ESC>", StringComparison.Ordinal));
    }

    // ---------------------------------------------------------------- replay vs CloudWatch's documented table

    // "Configuring how CloudWatch alarms treat missing data", second table (Datapoints to Alarm 2, Evaluation Periods 3,
    // 5 datapoints retrieved): "0 - X - -" and "- - - - 0" are OK for MISSING and IGNORE, whatever the current state.
    [Theory]
    [InlineData("missing", "0 - X - -")]
    [InlineData("ignore", "0 - X - -")]
    [InlineData("missing", "- - - - 0")]
    [InlineData("ignore", "- - - - 0")]
    public void Two_of_three_with_a_real_good_datapoint_goes_OK_as_the_documented_table_says(string treatment, string datapoints)
        => AlarmReplay.Evaluate(datapoints.Split(' ').Select(p => p switch { "X" => true, "0" => false, _ => (bool?)null }).ToList(), n: 3, m: 2, treatment, AlarmState.Alarm).Should().Be(AlarmState.Ok);

    [Fact]
    public void Three_of_three_missing_goes_to_ALARM_on_X_then_four_missing_as_the_documented_table_says()
    {
        // First table (3 of 3, 5 datapoints retrieved), MISSING column: "- - - - X" is INSUFFICIENT_DATA and
        // "X - - - -" is ALARM ("the oldest evaluated data point is breaching and there aren't any non-breaching").
        var alarm = Seed("ADCE-HighFailureRate") with { EvaluationPeriods = 3, DatapointsToAlarm = 3, TreatMissingData = "missing" };
        var replay = AlarmReplay.Replay(alarm, [(T0, 90d)], T0, T0.AddMinutes(60), AlarmState.Ok);

        var at = replay.Evaluations.ToDictionary(e => e.At, e => e.State);
        using (new FluentAssertions.Execution.AssertionScope())
        {
            at[T0.AddMinutes(5)].Should().Be(AlarmState.InsufficientData, "the range is '- - - - X'");
            at[T0.AddMinutes(25)].Should().Be(AlarmState.Alarm, "the range is 'X - - - -'");
            replay.FiredAt.Should().NotBeEmpty("the doctor otherwise reports 'would not have fired'");
        }
    }

    // ---------------------------------------------------------------- the spool

    [Fact]
    public async Task A_spool_path_that_is_a_file_is_not_reported_as_an_empty_spool()
    {
        await account.ResetAsync();
        var file = Path.GetTempFileName();
        var options = new NbaObservabilityOptions { Spool = { Directory = file } };

        var spool = (await DoctorAccount.RunAsync(account.Inputs(options))).Single(f => f.Check == "delivery" && f.Subject == file);
        File.Delete(file);

        spool.Status.Should().NotBe(DoctorStatus.Ok, $"the application cannot use a file as its spool directory, yet the doctor says: {spool.Detail}");
    }

    [Fact]
    public async Task Datum_counts_from_spool_file_names_do_not_wrap_around()
    {
        await account.ResetAsync();
        var dir = Directory.CreateTempSubdirectory("rt29-spool-");
        var ticks = DateTime.UtcNow.AddMinutes(-5).Ticks;
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, $"{ticks:D20}-0000001-00000001-9223372036854775807.spool"), "x", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, $"{ticks:D20}-0000001-00000002-9223372036854775807.spool"), "x", TestContext.Current.CancellationToken);
        var options = new NbaObservabilityOptions { Spool = { Directory = dir.FullName } };

        var spool = (await DoctorAccount.RunAsync(account.Inputs(options))).Single(f => f.Check == "delivery" && f.Subject == dir.FullName);
        dir.Delete(recursive: true);

        spool.Detail.Should().NotContain("-2 datum(s)");
    }
}
