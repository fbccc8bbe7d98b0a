namespace NbaSim.Observability;

/// <summary>Settings of the monitoring-as-code definitions (<c>NbaObservability:Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    /// <summary>Region the dashboards and alarms live in. Default us-east-1.</summary>
    /// <value>The default value is us-east-1.</value>
    public string Region { get; set; } = "us-east-1";

    /// <summary>12-digit account id; when empty it is read from the caller's identity (STS GetCallerIdentity).</summary>
    /// <value>The default value is <see langword="null"/> (read from STS).</value>
    public string? AccountId { get; set; }

    /// <summary>The SNS topic alarms notify. Default nba-simulator-alerts.</summary>
    /// <value>The default value is nba-simulator-alerts.</value>
    public string AlertTopicName { get; set; } = "nba-simulator-alerts";

    /// <summary>E-mail addresses subscribed to the alert topic.</summary>
    /// <value>The default value is an empty list.</value>
    public List<string> AlertEmails { get; set; } = [];

    /// <summary>Phone numbers (E.164) subscribed to the alert topic by SMS.</summary>
    /// <value>The default value is an empty list.</value>
    public List<string> AlertPhoneNumbers { get; set; } = [];

    /// <summary>Operations timed with [ProfilePerformance] that get duration widgets and regression alarms.</summary>
    /// <value>The default value is DataExtraction, S3Upload and Validation (the demo's operations).</value>
    public List<string> ProfiledOperations { get; set; } = ["DataExtraction", "S3Upload", "Validation"];

    /// <summary>The data-lake bucket shown on the dashboards. Default nba-sim-raw-data-lake.</summary>
    /// <value>The default value is nba-sim-raw-data-lake.</value>
    public string Bucket { get; set; } = "nba-sim-raw-data-lake";

    /// <summary>Test suites (the <c>Suite</c> dimension of <c>nbaobs publish tests</c>) with CI/CD widgets and a failed-tests alarm. Default: pytest.</summary>
    /// <value>The default value is pytest.</value>
    public List<string> TestSuites { get; set; } = ["pytest"];

    /// <summary>CI pipelines (the <c>Pipeline</c> dimension of <c>nbaobs publish pipeline</c>) with a duration widget and a regression alarm. Default: ci.</summary>
    /// <value>The default value is ci.</value>
    public List<string> Pipelines { get; set; } = ["ci"];
}

/// <summary>Everything the definitions depend on, resolved: region, account, budget.</summary>
public sealed record MonitoringContext(string Region, string AccountId, string AlertTopicName, decimal MonthlyBudgetUsd, IReadOnlyList<string> ProfiledOperations, string Bucket)
{
    /// <summary>Test suites with CI/CD widgets and a failed-tests alarm.</summary>
    public IReadOnlyList<string> TestSuites { get; init; } = ["pytest"];

    /// <summary>CI pipelines with a duration widget and a regression alarm.</summary>
    public IReadOnlyList<string> Pipelines { get; init; } = ["ci"];

    /// <summary>
    /// Where the Meter bridge publishes .NET's <c>System.Net.Http</c> and <c>System.Runtime</c> meters; when set, the
    /// performance dashboard gets HTTP-client and GC/thread-pool widgets. Default none (derived from
    /// <c>NbaObservability:Meters</c> by <c>nbaobs</c>).
    /// </summary>
    public string? RuntimeNamespace { get; init; }

    /// <summary>
    /// How often the process exports a point per series (<c>NbaObservability:AggregationPeriod</c>; default 60 s). The
    /// OTel path's <c>rate</c> and <c>increase</c> ranges span at least four of them, as PromQL needs two points in a
    /// range and advises four.
    /// </summary>
    public TimeSpan AggregationPeriod { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The alert topic's ARN.</summary>
    public string AlertTopicArn => $"arn:aws:sns:{Region}:{AccountId}:{AlertTopicName}";

    /// <summary>An alarm's ARN.</summary>
    public string AlarmArn(string alarmName) => $"arn:aws:cloudwatch:{Region}:{AccountId}:alarm:{alarmName}";
}
