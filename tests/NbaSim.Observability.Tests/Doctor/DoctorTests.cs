using System.Globalization;
using System.Text.Json;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.CloudWatch;
using NbaSim.Observability.Cli.Aws.Sns;
using NbaSim.Observability.Cli.Doctor;
using NbaSim.Observability.Cli.MonitoringAsCode;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Doctor;

/// <summary>
/// Every doctor check against a moto account seeded into the state it diagnoses: one test state that makes it say
/// <c>ok</c>, and one (or more) that makes it say <c>warn</c> or <c>fail</c>. moto confirms every SNS subscription, so
/// pending confirmations come from a loopback server playing SNS's documented ListSubscriptionsByTopic answer.
/// </summary>
public sealed class DoctorTests(DoctorAccount account) : IClassFixture<DoctorAccount>
{
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private static DateTimeOffset PeriodStart(DateTimeOffset t, int period) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds() / period * period);

    [Fact]
    public async Task A_healthy_account_is_ok_in_every_check()
    {
        await account.ResetAsync();
        var definitions = DoctorAccount.Definitions(DoctorAccount.Monitoring("oncall@example.com"));
        await account.ApplyAsync(definitions);
        await account.PublishHealthyAsync(definitions, Now.AddSeconds(-30));
        await account.SeedCostAsync(DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-1), 4.20m);
        var spool = Directory.CreateTempSubdirectory("doctor-spool-");
        var options = new NbaObservabilityOptions { Spool = { Directory = spool.FullName } };

        var findings = await DoctorAccount.RunAsync(account.Inputs(options, DoctorAccount.Monitoring("oncall@example.com"), writeProbe: true));

        findings.Where(f => f.Status != DoctorStatus.Ok).Should().BeEmpty();
        findings.Select(f => f.Check).Distinct().Should().BeEquivalentTo(["identity", "write-probe", "clock", "metrics", "freshness", "alert-topic", "alarm", "dashboard", "cost-data", "delivery"]);
        findings.Where(f => f.Check == "alarm").Should().HaveCount(definitions.Alarms.Count);
        findings.Where(f => f.Check == "dashboard").Select(f => f.Subject).Should().BeEquivalentTo(definitions.Dashboards.Select(d => d.Name));
        Cli.Doctor.AccountDoctor.ExitCode(findings).Should().Be(0);

        // The write probe's datum, read back by botocore.
        using var listed = await Oracles.AwsCli.RunAsync(account.Url, "cloudwatch", "list-metrics", "--namespace", Cli.Doctor.AccountDoctor.ProbeNamespace);
        listed.RootElement.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("MetricName").GetString()).Should().Contain("DoctorProbe");
        spool.Delete(recursive: true);
    }

    [Fact]
    public async Task Refused_credentials_and_an_unreachable_endpoint_fail_identity_and_stop_the_run()
    {
        await account.ResetAsync();
        await using var sts = new LoopbackAwsServer((_, _) => Task.FromResult(LoopbackAwsServer.Error(403, "AccessDenied", "User is not authorized to perform sts:GetCallerIdentity")));

        var denied = await DoctorAccount.RunAsync(account.Inputs(stsUrl: sts.Url.TrimEnd('/')));
        var unreachable = await DoctorAccount.RunAsync(account.Inputs(stsUrl: "http://127.0.0.1:9"));

        denied.Should().HaveCount(2);
        denied[0].Should().Match<DoctorFinding>(f => f.Check == "identity" && f.Status == DoctorStatus.Fail && f.Detail.Contains("sts:GetCallerIdentity") && f.Fix!.Contains("IAM policy"));
        denied[1].Detail.Should().Contain("not run");
        unreachable[0].Should().Match<DoctorFinding>(f => f.Check == "identity" && f.Status == DoctorStatus.Fail);
        unreachable[0].Detail.Should().NotContain("testing-secret-key");
    }

    [Fact]
    public async Task AccessDenied_on_CloudWatch_names_the_missing_action_of_each_check()
    {
        await account.ResetAsync();
        await using var denying = new LoopbackAwsServer((_, _) => Task.FromResult(LoopbackAwsServer.Error(403, "AccessDenied", "not authorized")));
        using var cloudWatch = new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = denying.Url.TrimEnd('/'), AuthenticationRegion = "us-east-1", Protocol = CloudWatchProtocol.Query, MaxErrorRetry = 0 });

        var findings = await DoctorAccount.RunAsync(account.Inputs(cloudWatch: cloudWatch, writeProbe: true));

        Finding(findings, "write-probe").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Fail && f.Detail.Contains("cloudwatch:PutMetricData"));
        Finding(findings, "metrics").Detail.Should().Contain("cloudwatch:ListMetrics");
        Finding(findings, "alarm").Detail.Should().Contain("cloudwatch:DescribeAlarms");
        Cli.Doctor.AccountDoctor.ExitCode(findings).Should().Be(1);
    }

    [Fact]
    public async Task With_IAM_enforced_unknown_keys_fail_identity_and_a_refused_write_probe_names_PutMetricData_while_allowed_reads_pass()
    {
        // moto enforcing IAM (its reset-auth switch), on a server of this test's own: a user that may read, not publish.
        await using var moto = MotoServer.Private();
        var url = await moto.UrlAsync();
        using var http = new HttpClient();
        var ct = TestContext.Current.CancellationToken;
        async Task<System.Xml.Linq.XDocument> IamAsync(string form)
        {
            using var signed = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(form + "&Version=2010-05-08", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
            signed.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20261201/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
            using var response = await http.SendAsync(signed, ct);
            return System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        }

        // moto names CloudWatch's actions with its endpoint prefix (monitoring:), where IAM says cloudwatch:.
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["monitoring:ListMetrics","monitoring:GetMetricData","monitoring:DescribeAlarms","sts:GetCallerIdentity","sns:*","ce:*"],"Resource":"*"}]}""";
        await IamAsync("Action=CreateUser&UserName=reader");
        await IamAsync("Action=PutUserPolicy&UserName=reader&PolicyName=read-only&PolicyDocument=" + Uri.EscapeDataString(policy));
        var key = await IamAsync("Action=CreateAccessKey&UserName=reader");
        string Field(string name) => key.Descendants().First(e => e.Name.LocalName == name).Value;
        var reader = new Amazon.Runtime.BasicAWSCredentials(Field("AccessKeyId"), Field("SecretAccessKey"));
        (await http.PostAsync(url + "/moto-api/reset-auth", new StringContent("0", System.Text.Encoding.UTF8, "text/plain"), ct)).EnsureSuccessStatusCode();
        // awsQuery: moto's IAM layer answers every protocol with an awsQuery XML error.
        using var cloudWatch = new CloudWatchClient(reader, new CloudWatchClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0, Protocol = CloudWatchProtocol.Query });

        var findings = await DoctorAccount.RunAsync(account.Inputs(cloudWatch: cloudWatch, writeProbe: true, stsUrl: url, stsCredentials: reader));
        var unknownKey = await DoctorAccount.RunAsync(account.Inputs(stsUrl: url, stsCredentials: new Amazon.Runtime.BasicAWSCredentials("AKIAUNKNOWN000000000", "not-a-secret-moto-knows")));

        // Keys IAM does not know: the identity check fails, names the refusal, and nothing else runs.
        unknownKey[0].Should().Match<DoctorFinding>(f => f.Check == "identity" && f.Status == DoctorStatus.Fail && f.Detail.Contains("refused"));
        unknownKey[0].Detail.Should().NotContain("not-a-secret-moto-knows");
        unknownKey.Should().HaveCount(2);
        Finding(findings, "identity").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Ok && f.Subject == "arn:aws:iam::123456789012:user/reader");
        Finding(findings, "write-probe").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Fail && f.Detail.Contains("AccessDenied") && f.Detail.Contains("cloudwatch:PutMetricData"));
        findings.Where(f => f.Check == "metrics").Should().NotContain(f => f.Detail.Contains("AccessDenied"), "ListMetrics is allowed");
        findings.Where(f => f.Check == "alarm").Should().NotContain(f => f.Detail.Contains("AccessDenied"), "DescribeAlarms is allowed");
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_in_time_fails_the_check_naming_the_timeout_and_the_run_goes_on()
    {
        await account.ResetAsync();
        await using var slow = new LoopbackAwsServer(async (request, _) =>
        {
            if (request.Action == "ListMetrics")
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
            }

            return new LoopbackResponse(200, request.Action == "DescribeAlarms" ? "{\"MetricAlarms\":[]}" : "{}");
        });
        using var cloudWatch = new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = slow.Url.TrimEnd('/'), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0, Timeout = TimeSpan.FromMilliseconds(500) });

        var findings = await DoctorAccount.RunAsync(account.Inputs(cloudWatch: cloudWatch));

        Finding(findings, "metrics").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Fail && f.Detail.StartsWith("no answer within the request timeout", StringComparison.Ordinal));
        findings.Should().Contain(f => f.Check == "cost-data").And.Contain(f => f.Check == "delivery");
    }

    [Fact]
    public async Task The_clock_is_ok_in_sync_warns_from_a_minute_and_fails_from_five()
    {
        await account.ResetAsync();

        Finding(await DoctorAccount.RunAsync(account.Inputs()), "clock").Status.Should().Be(DoctorStatus.Ok);
        Finding(await DoctorAccount.RunAsync(account.Inputs(clock: new ShiftedClock(TimeSpan.FromMinutes(2)))), "clock")
            .Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Warn && f.Detail.StartsWith("skewed +", StringComparison.Ordinal));
        Finding(await DoctorAccount.RunAsync(account.Inputs(clock: new ShiftedClock(TimeSpan.FromMinutes(-10)))), "clock")
            .Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Fail && f.Detail.StartsWith("skewed -", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Names_report_listed_namespaces_ok_and_case_and_spelling_near_misses_as_failures()
    {
        await account.ResetAsync();
        var at = Now.AddMinutes(-1);
        await account.PutAsync(NbaMetricNames.DataQuality, NbaMetricNames.ValidationPassRate, 99, at);
        await account.PutAsync("NBA-simulator/ADCE", NbaMetricNames.AdceSuccessRate, 99, at);
        await account.PutAsync(NbaMetricNames.Adce, "ADCETaskCompleted", 4, at);
        await account.PutAsync(NbaMetricNames.DataCollection, NbaMetricNames.S3ObjectCount, 10, at, new MetricDimension("Bucket", "another-bucket"));

        var metrics = (await DoctorAccount.RunAsync(account.Inputs())).Where(f => f.Check == "metrics").ToList();

        metrics.Should().ContainSingle(f => f.Subject == NbaMetricNames.DataQuality).Which.Status.Should().Be(DoctorStatus.Ok);
        metrics.Should().Contain(f => f.Subject == NbaMetricNames.Adce && f.Status == DoctorStatus.Fail && f.Detail.Contains("published to NBA-simulator/ADCE") && f.Detail.Contains(NbaMetricNames.AdceSuccessRate));
        metrics.Should().Contain(f => f.Subject == "NBA-Simulator/ADCE/ADCETasksCompleted" && f.Status == DoctorStatus.Fail && f.Detail.Contains("ADCETaskCompleted"));
        metrics.Should().Contain(f => f.Subject == "NBA-Simulator/DataCollection/S3ObjectCount[Bucket=nba-sim-raw-data-lake]" && f.Status == DoctorStatus.Warn && f.Detail.Contains("Bucket=another-bucket"));
        metrics.Should().Contain(f => f.Subject == NbaMetricNames.Costs && f.Status == DoctorStatus.Warn && f.Detail.Contains(NbaMetricNames.MonthlyAwsCost));
    }

    [Fact]
    public async Task Freshness_is_ok_for_recent_data_and_warns_on_stale_and_on_no_data_within_since()
    {
        await account.ResetAsync();
        await account.PutAsync(NbaMetricNames.DataQuality, NbaMetricNames.ValidationPassRate, 99, Now.AddMinutes(-1));
        await account.PutAsync(NbaMetricNames.Adce, NbaMetricNames.AdceQueueDepth, 7, Now.AddHours(-1));
        await account.PutAsync(NbaMetricNames.Adce, NbaMetricNames.AdceSuccessRate, 99, Now.AddDays(-3));

        var freshness = (await DoctorAccount.RunAsync(account.Inputs())).Where(f => f.Check == "freshness").ToList();

        freshness.Should().ContainSingle(f => f.Subject == NbaMetricNames.DataQuality).Which.Status.Should().Be(DoctorStatus.Ok);
        freshness.Should().Contain(f => f.Subject == "NBA-Simulator/ADCE/ADCEQueueDepth" && f.Status == DoctorStatus.Warn && f.Detail.Contains(" min ago"));
        freshness.Should().Contain(f => f.Subject == NbaMetricNames.Adce && f.Status == DoctorStatus.Warn && f.Detail.Contains("no datapoint in the last 1d") && f.Detail.Contains(NbaMetricNames.AdceSuccessRate));
    }

    [Fact]
    public async Task The_alert_topic_is_ok_with_a_confirmed_subscription_and_fails_without_one_or_when_missing()
    {
        await account.ResetAsync();
        Finding(await DoctorAccount.RunAsync(account.Inputs()), "alert-topic").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Fail && f.Detail.Contains("does not exist"));

        await account.ApplyAsync(DoctorAccount.Definitions());
        Finding(await DoctorAccount.RunAsync(account.Inputs()), "alert-topic").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Fail && f.Detail.Contains("no confirmed subscription"));

        await account.ApplyAsync(DoctorAccount.Definitions(DoctorAccount.Monitoring("oncall@example.com")));
        Finding(await DoctorAccount.RunAsync(account.Inputs()), "alert-topic").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Ok && f.Detail.Contains("email:oncall@example.com"));
    }

    [Theory]
    [InlineData(true, "Warn")]
    [InlineData(false, "Fail")]
    public async Task Pending_confirmations_are_named(bool alsoConfirmed, string expected)
    {
        await account.ResetAsync();
        const string topic = "arn:aws:sns:us-east-1:123456789012:nba-simulator-alerts";
        const string ns = "xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"";
        var confirmed = alsoConfirmed ? $"<member><TopicArn>{topic}</TopicArn><Protocol>email</Protocol><SubscriptionArn>{topic}:0a1b2c3d</SubscriptionArn><Owner>123456789012</Owner><Endpoint>lead@example.com</Endpoint></member>" : string.Empty;
        await using var sns = new LoopbackAwsServer((request, _) => Task.FromResult(request.Action switch
        {
            "GetTopicAttributes" => new LoopbackResponse(200, $"<GetTopicAttributesResponse {ns}><GetTopicAttributesResult><Attributes><entry><key>TopicArn</key><value>{topic}</value></entry></Attributes></GetTopicAttributesResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetTopicAttributesResponse>"),
            _ => new LoopbackResponse(200, $"<ListSubscriptionsByTopicResponse {ns}><ListSubscriptionsByTopicResult><Subscriptions>{confirmed}<member><TopicArn>{topic}</TopicArn><Protocol>email</Protocol><SubscriptionArn>PendingConfirmation</SubscriptionArn><Owner>123456789012</Owner><Endpoint>oncall@example.com</Endpoint></member></Subscriptions></ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>"),
        }));
        using var client = new SnsClient(MotoServer.Credentials, new SnsClientConfig { ServiceURL = sns.Url.TrimEnd('/'), AuthenticationRegion = "us-east-1" });

        var finding = Finding(await DoctorAccount.RunAsync(account.Inputs(sns: client)), "alert-topic");

        finding.Status.Should().Be(Enum.Parse<DoctorStatus>(expected));
        finding.Detail.Should().Contain("pending").And.Contain("email:oncall@example.com");
        finding.Fix.Should().Contain("confirmation e-mail");
    }

    [Fact]
    public async Task The_replay_shows_when_ADCE_HighFailureRate_would_have_fired_on_two_periods_below_95_and_not_on_one()
    {
        await account.ResetAsync();
        await account.ApplyAsync(DoctorAccount.Definitions(DoctorAccount.Monitoring("oncall@example.com")));
        var first = PeriodStart(Now, 300).AddMinutes(-30);
        await account.PutAsync(NbaMetricNames.Adce, NbaMetricNames.AdceSuccessRate, 90, first.AddSeconds(20));
        await account.PutAsync(NbaMetricNames.Adce, NbaMetricNames.AdceSuccessRate, 91, first.AddMinutes(5).AddSeconds(20));
        await account.PutAsync(NbaMetricNames.DataQuality, NbaMetricNames.ValidationPassRate, 97, first.AddSeconds(20));

        var findings = await DoctorAccount.RunAsync(account.Inputs());

        Alarm(findings, "ADCE-HighFailureRate").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Ok
            && f.Detail.Contains($"would have fired 1 time(s), first at {first.AddMinutes(10).UtcDateTime:yyyy-MM-dd HH:mm}Z") && f.Detail.Contains("Average < 95 in 2 of 2 300 s periods"));
        Alarm(findings, "Data-QualityIssues").Detail.Should().Contain("would not have fired").And.Contain("closest value 97");

        await account.ResetAsync();
        await account.ApplyAsync(DoctorAccount.Definitions(DoctorAccount.Monitoring("oncall@example.com")));
        await account.PutAsync(NbaMetricNames.Adce, NbaMetricNames.AdceSuccessRate, 90, first.AddSeconds(20));
        await account.PutAsync(NbaMetricNames.Adce, NbaMetricNames.AdceSuccessRate, 99, first.AddMinutes(5).AddSeconds(20));

        Alarm(await DoctorAccount.RunAsync(account.Inputs()), "ADCE-HighFailureRate").Detail.Should().Contain("would not have fired").And.Contain("closest value 90");
    }

    [Fact]
    public async Task Alarms_that_can_never_fire_are_stuck_in_INSUFFICIENT_DATA_have_no_data_or_are_not_deployed_warn()
    {
        await account.ResetAsync();
        var definitions = DoctorAccount.Definitions(DoctorAccount.Monitoring("oncall@example.com"));
        await account.ApplyAsync(definitions);
        var quality = definitions.Alarms.Single(a => a.AlarmName == "Data-QualityIssues");
        await account.CloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest(quality with { Threshold = 0 }), TestContext.Current.CancellationToken);
        await account.CloudWatch.DeleteAlarmsAsync(new DeleteAlarmsRequest { AlarmNames = ["DIMS-DriftDetected"] }, TestContext.Current.CancellationToken);
        await account.PutAsync(NbaMetricNames.Adce, NbaMetricNames.AdceSuccessRate, 99, Now.AddMinutes(-7));
        await account.CloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = "ADCE-HighFailureRate", StateValue = "INSUFFICIENT_DATA", StateReason = "test" }, TestContext.Current.CancellationToken);

        var findings = await DoctorAccount.RunAsync(account.Inputs());

        Alarm(findings, "Data-QualityIssues").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Warn && f.Detail.Contains("can never fire") && f.Detail.Contains("never below 0"));
        Alarm(findings, "ADCE-HighFailureRate").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Warn && f.Detail.Contains("stuck in INSUFFICIENT_DATA"));
        Alarm(findings, "S3-UploadFailures").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Warn && f.Detail.Contains("has no Sum data"));
        findings.Should().Contain(f => f.Check == "alarm" && f.Status == DoctorStatus.Warn && f.Detail.Contains("not deployed: DIMS-DriftDetected"));
    }

    [Fact]
    public async Task Dashboards_are_ok_when_every_series_returns_data_and_name_the_widgets_and_series_that_return_nothing()
    {
        await account.ResetAsync();
        var at = Now.AddMinutes(-2);
        foreach (var name in new[] { NbaMetricNames.AdceQueueDepth, NbaMetricNames.AdceSuccessRate, NbaMetricNames.AdceTasksCompleted, NbaMetricNames.AdceTasksFailed })
        {
            await account.PutAsync(NbaMetricNames.Adce, name, 1, at);
        }

        await account.PutAsync(NbaMetricNames.DataCollection, NbaMetricNames.S3ObjectCount, 10, at, new MetricDimension("Bucket", "nba-sim-raw-data-lake"));

        var dashboards = (await DoctorAccount.RunAsync(account.Inputs())).Where(f => f.Check == "dashboard").ToList();

        dashboards.Should().ContainSingle(f => f.Subject == "NBA-Simulator-ADCE-Health").Which.Status.Should().Be(DoctorStatus.Ok);
        dashboards.Should().Contain(f => f.Subject == "NBA-Simulator-DataCollection › S3 Bucket Growth" && f.Status == DoctorStatus.Warn
            && f.Detail.Contains("1 of 2 series empty") && f.Detail.Contains("S3TotalSizeGB[Bucket=nba-sim-raw-data-lake]") && !f.Detail.Contains("S3ObjectCount"));
        dashboards.Should().NotContain(f => f.Subject.StartsWith("NBA-Simulator-DataCollection › ADCE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cost_data_is_ok_within_the_lag_and_warns_when_older_or_absent()
    {
        await account.ResetAsync();
        var today = DateOnly.FromDateTime(Now.UtcDateTime);

        Finding(await DoctorAccount.RunAsync(account.Inputs()), "cost-data").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Warn && f.Detail.Contains("no cost data for the last 7 days"));

        await account.ResetAsync();
        await account.SeedCostAsync(today.AddDays(-1), 3.5m);
        Finding(await DoctorAccount.RunAsync(account.Inputs()), "cost-data").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Ok && f.Detail.Contains(today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));

        await account.ResetAsync(); // moto answers the same request with the result it gave first
        await account.SeedCostAsync(today.AddDays(-5), 3.5m);
        Finding(await DoctorAccount.RunAsync(account.Inputs()), "cost-data").Should().Match<DoctorFinding>(f => f.Status == DoctorStatus.Warn && f.Detail.Contains("5 days ago"));
    }

    [Fact]
    public async Task Delivery_reads_the_spool_backlog_and_the_published_self_telemetry()
    {
        await account.ResetAsync();
        var spool = Directory.CreateTempSubdirectory("doctor-spool-");
        var options = new NbaObservabilityOptions { Spool = { Directory = spool.FullName } };
        options.Meters.Add(new MeterBridgeOptions { Name = "NbaSim.Observability", Namespace = "NBA-Simulator/Runtime" });

        var empty = (await DoctorAccount.RunAsync(account.Inputs(options))).Where(f => f.Check == "delivery").ToList();
        empty.Should().Contain(f => f.Subject == spool.FullName && f.Status == DoctorStatus.Ok && f.Detail.Contains("spool empty"));
        empty.Should().Contain(f => f.Subject == "NBA-Simulator/Runtime" && f.Status == DoctorStatus.Warn && f.Detail.Contains("has no data"));

        await File.WriteAllTextAsync(Path.Combine(spool.FullName, $"{Now.AddHours(-1).UtcTicks:D20}-0001234-00000001-000042.spool"), "x", TestContext.Current.CancellationToken);
        await account.PutAsync("NBA-Simulator/Runtime", "nbasim.observability.datums.dropped", 0, Now.AddMinutes(-3));
        await account.PutAsync("NBA-Simulator/Runtime", "nbasim.observability.export.failures", 0, Now.AddMinutes(-3));
        var backlog = (await DoctorAccount.RunAsync(account.Inputs(options))).Where(f => f.Check == "delivery").ToList();
        backlog.Should().Contain(f => f.Subject == spool.FullName && f.Status == DoctorStatus.Warn && f.Detail.Contains("1 file(s), 42 datum(s)") && f.Detail.Contains("60 min ago"));
        backlog.Should().Contain(f => f.Subject == "NBA-Simulator/Runtime" && f.Status == DoctorStatus.Ok);

        await File.WriteAllTextAsync(Path.Combine(spool.FullName, $"{Now.AddDays(-20).UtcTicks:D20}-0001234-00000002-000007.spool"), "x", TestContext.Current.CancellationToken);
        await account.PutAsync("NBA-Simulator/Runtime", "nbasim.observability.datums.dropped", 3, Now.AddMinutes(-2));
        var dropped = (await DoctorAccount.RunAsync(account.Inputs(options))).Where(f => f.Check == "delivery").ToList();
        dropped.Should().Contain(f => f.Subject == spool.FullName && f.Status == DoctorStatus.Fail && f.Detail.Contains("older than two weeks"));
        dropped.Should().Contain(f => f.Subject == "NBA-Simulator/Runtime" && f.Status == DoctorStatus.Fail && f.Detail.Contains("3 datum(s) dropped"));
        spool.Delete(recursive: true);
    }

    [Fact]
    public async Task The_command_exits_1_on_a_failure_3_on_warnings_only_and_0_when_all_is_ok_with_the_same_checks_in_json()
    {
        await account.ResetAsync();
        var dir = Directory.CreateTempSubdirectory("doctor-cli-");
        var config = Path.Combine(dir.FullName, "nbaobs.json");
        await File.WriteAllTextAsync(config, """{ "NbaObservability": { "Monitoring": { "AlertEmails": [ "oncall@example.com" ] } } }""", TestContext.Current.CancellationToken);
        string[] args = ["doctor", "--endpoint-url", account.Url, "--config", config];

        var (broken, brokenText, _) = await MonitoringAsCode.CliTests.RunAsync(args);
        broken.Should().Be(1, brokenText);
        brokenText.Should().Contain("fail  alert-topic").And.EndWith("(exit 1)" + Environment.NewLine);

        // Deployed and published, but Cost Explorer has no data yet: warnings only.
        var definitions = MonitoringDefinitions.For(DoctorAccount.Context with { TestSuites = ["pytest"], Pipelines = ["ci"], ProfiledOperations = ["DataExtraction", "S3Upload", "Validation"] }, new MonitoringOptions { AlertEmails = ["oncall@example.com"] });
        await account.ApplyAsync(definitions);
        await account.PublishHealthyAsync(definitions, Now.AddSeconds(-30));
        var (warned, warnedJson, _) = await MonitoringAsCode.CliTests.RunAsync([.. args, "--output", "json"]);
        warned.Should().Be(3, warnedJson);
        using (var json = JsonDocument.Parse(warnedJson))
        {
            var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
            checks.Where(c => c.GetProperty("status").GetString() != "ok").Select(c => c.GetProperty("check").GetString()).Should().Equal("cost-data");
            json.RootElement.GetProperty("warn").GetInt32().Should().Be(1);
            json.RootElement.GetProperty("exitCode").GetInt32().Should().Be(3);
            checks.Should().OnlyContain(c => c.GetProperty("detail").GetString()!.Length > 0);
        }

        await account.SeedCostAsync(DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-1), 2m);
        var (healthy, healthyText, _) = await MonitoringAsCode.CliTests.RunAsync(args);
        healthy.Should().Be(0, healthyText);
        healthyText.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().OnlyContain(l => l.StartsWith("ok ", StringComparison.Ordinal) || l.StartsWith("doctor: ", StringComparison.Ordinal));
        dir.Delete(recursive: true);
    }

    [Theory]
    [InlineData("5m", "between 10 minutes and 15 days")]
    [InlineData("16d", "between 10 minutes and 15 days")]
    [InlineData("soon", "is not a duration")]
    [InlineData("99999999999999h", "is not a duration")]
    [InlineData("10", "is not a duration")] // not 10 days
    [InlineData("12M", "is not a duration")] // m is minutes; M is not a unit
    public async Task Since_outside_its_limits_is_a_usage_error_naming_the_value_and_the_limit(string since, string message)
    {
        var (code, stdout, stderr) = await MonitoringAsCode.CliTests.RunAsync("doctor", "--since", since, "--endpoint-url", "http://127.0.0.1:9");

        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain($"--since {since}").And.Contain(message);
    }

    private static DoctorFinding Finding(IEnumerable<DoctorFinding> findings, string check) => findings.First(f => f.Check == check);

    private static DoctorFinding Alarm(IEnumerable<DoctorFinding> findings, string name) => findings.Single(f => f.Check == "alarm" && f.Subject == name);

    /// <summary>The system clock moved by an offset: a host whose clock is wrong.</summary>
    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
