using System.Globalization;
using System.Text;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Aws.CostExplorer;
using NbaSim.Observability.Cli.Aws.Sns;
using NbaSim.Observability.Cli.Aws.Sts;
using NbaSim.Observability.Cli.Doctor;
using NbaSim.Observability.Cli.MonitoringAsCode;
using NbaSim.Observability.Tests.Infrastructure;

namespace NbaSim.Observability.Tests.Doctor;

/// <summary>
/// A moto account of the doctor tests' own (a private server, reset before each test), seeded through our clients, and
/// the doctor run against it with a small monitoring configuration: one profiled operation, no test suites or pipelines.
/// </summary>
public sealed class DoctorAccount : IAsyncLifetime
{
    private readonly MotoServer _moto = MotoServer.Private();

    public string Url { get; private set; } = string.Empty;

    internal CloudWatchClient CloudWatch { get; private set; } = null!;

    internal SnsClient Sns { get; private set; } = null!;

    public static MonitoringOptions Monitoring(params string[] emails) => new()
    {
        ProfiledOperations = ["S3Upload"],
        TestSuites = [],
        Pipelines = [],
        AlertEmails = [.. emails],
    };

    public static MonitoringContext Context { get; } = new("us-east-1", "123456789012", "nba-simulator-alerts", 150m, ["S3Upload"], "nba-sim-raw-data-lake") { TestSuites = [], Pipelines = [] };

    internal static MonitoringDefinitions Definitions(MonitoringOptions? options = null) => MonitoringDefinitions.For(Context, options ?? Monitoring());

    public async ValueTask InitializeAsync()
    {
        Url = await _moto.UrlAsync();
        CloudWatch = new CloudWatchClient(MotoServer.Credentials, new CloudWatchClientConfig { ServiceURL = Url, AuthenticationRegion = "us-east-1" });
        Sns = new SnsClient(MotoServer.Credentials, new SnsClientConfig { ServiceURL = Url, AuthenticationRegion = "us-east-1" });
    }

    public async ValueTask DisposeAsync()
    {
        CloudWatch.Dispose();
        Sns.Dispose();
        await _moto.DisposeAsync();
    }

    /// <summary>Forgets everything stored (moto's reset).</summary>
    public async Task ResetAsync()
    {
        using var http = new HttpClient();
        (await http.PostAsync(Url + "/moto-api/reset", null)).EnsureSuccessStatusCode();
    }

    /// <summary>Deploys the definitions as <c>nbaobs apply</c> does (topic, subscriptions, alarms, dashboards).</summary>
    internal async Task ApplyAsync(MonitoringDefinitions definitions)
    {
        var planner = new MonitoringPlanner(CloudWatch, Sns);
        await planner.ApplyAsync(definitions, await planner.PlanAsync(definitions));
    }

    public Task PutAsync(string ns, string name, double value, DateTimeOffset at, params MetricDimension[] dimensions)
        => CloudWatch.PutMetricDataAsync(new PutMetricDataRequest(ns, [MetricDatum.CreateValue(ns, name, value, MetricUnit.None, at, dimensions)]));

    /// <summary>One datapoint for every metric the definitions read, with values that breach nothing.</summary>
    internal async Task PublishHealthyAsync(MonitoringDefinitions definitions, DateTimeOffset at)
    {
        foreach (var expected in ExpectedMetric.From(definitions))
        {
            var m = expected.Metric;
            var value = m.MetricName switch
            {
                NbaMetricNames.AdceSuccessRate or NbaMetricNames.ValidationPassRate or NbaMetricNames.TestPassRate => 99.5,
                NbaMetricNames.BudgetUtilization => 40,
                NbaMetricNames.S3UploadFailures or NbaMetricNames.DimsDriftDetected or NbaMetricNames.AdceTasksFailed or NbaMetricNames.TestsFailed => 0,
                _ => 3,
            };
            await PutAsync(m.Namespace, m.MetricName, value, at, [.. m.Dimensions]);
        }
    }

    /// <summary>Cost Explorer answers the next GetCostAndUsage with one day of cost (moto's seeding endpoint).</summary>
    public async Task SeedCostAsync(DateOnly day, decimal amount)
    {
        var seed = "{\"results\":[{\"ResultsByTime\":[{\"TimePeriod\":{\"Start\":\"" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "\",\"End\":\""
            + day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "\"},\"Total\":{\"UnblendedCost\":{\"Amount\":\"" + amount.ToString(CultureInfo.InvariantCulture)
            + "\",\"Unit\":\"USD\"}},\"Groups\":[],\"Estimated\":true}]}]}";
        using var http = new HttpClient();
        (await http.PostAsync(Url + "/moto-api/static/ce/cost-and-usage-results", new StringContent(seed, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
    }

    /// <summary>The doctor's inputs against this account; any client can be replaced.</summary>
    internal DoctorInputs Inputs(NbaObservabilityOptions? options = null, MonitoringOptions? monitoring = null, TimeProvider? clock = null, TimeSpan? since = null, bool writeProbe = false, ISnsClient? sns = null, ICloudWatchClient? cloudWatch = null, string? stsUrl = null, Amazon.Runtime.AWSCredentials? stsCredentials = null)
    {
        options ??= new NbaObservabilityOptions();
        var costExplorer = new CostExplorerClient(MotoServer.Credentials, new CostExplorerClientConfig { ServiceURL = Url, AuthenticationRegion = "us-east-1" });
        return new DoctorInputs
        {
            CloudWatch = cloudWatch ?? CloudWatch,
            Sns = sns ?? Sns,
            CostExplorer = costExplorer,
            CallerIdentity = async ct =>
            {
                using var sts = new StsClient(stsCredentials ?? MotoServer.Credentials, new StsClientConfig { ServiceURL = stsUrl ?? Url, AuthenticationRegion = "us-east-1" });
                return await sts.GetCallerIdentityAsync(ct);
            },
            ServerDate = async ct =>
            {
                using var http = new HttpClient();
                using var response = await http.GetAsync(Url + "/", ct);
                return response.Headers.Date;
            },
            Options = options,
            Definitions = account => MonitoringDefinitions.For(Context with { AccountId = account }, monitoring ?? Monitoring()),
            Clock = clock ?? TimeProvider.System,
            Since = since ?? TimeSpan.FromHours(24),
            WriteProbe = writeProbe,
        };
    }

    internal static async Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorInputs inputs)
        => await new Cli.Doctor.AccountDoctor(inputs).RunAsync(TestContext.Current.CancellationToken);
}
