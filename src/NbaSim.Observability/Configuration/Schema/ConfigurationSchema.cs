namespace NbaSim.Observability.Configuration.Schema;

/// <summary>
/// Every setting of <see cref="NbaObservabilityOptions"/>, written out so that it can be checked without reflection
/// (trimming, Native AOT). <c>ConfigurationSchemaTests</c> walks the options types and fails when this table and the
/// properties differ, so a new setting cannot be forgotten here.
/// </summary>
internal static class ConfigurationSchema
{
    /// <summary>All settings, keys relative to the <c>NbaObservability</c> section.</summary>
    public static IReadOnlyList<SettingSpec> Settings { get; } =
    [
        new("Enabled", SettingType.Boolean),
        new("Exporter", SettingType.Enum, Enum.GetNames<MetricExporterKind>()),
        new("SecondaryExporter", SettingType.Enum, Enum.GetNames<MetricExporterKind>()),
        new("FlushInterval", SettingType.TimeSpan),
        new("AggregationPeriod", SettingType.TimeSpan),
        new("HighResolutionByDefault", SettingType.Boolean),
        new("MaxSeriesPerNamespace", SettingType.Integer),
        new("MaxQueuedDatums", SettingType.Integer),
        new("MaxDatumsPerBatch", SettingType.Integer),
        new("MaxBatchBytes", SettingType.Integer),
        new("ShutdownTimeout", SettingType.TimeSpan),
        new("ObservableGaugeTimeout", SettingType.TimeSpan),

        new("Emf:Path", SettingType.Text),
        new("Emf:AgentEndpoint", SettingType.Text),
        new("Emf:Format", SettingType.Enum, Enum.GetNames<EmfFormat>()),

        new("CloudWatch:ServiceUrl", SettingType.Text),
        new("CloudWatch:Region", SettingType.Text),
        new("CloudWatch:MaxConcurrentRequests", SettingType.Integer),
        new("CloudWatch:RequestTimeout", SettingType.TimeSpan),
        new("CloudWatch:MaxRetries", SettingType.Integer),
        new("CloudWatch:CompressionThresholdBytes", SettingType.Integer),
        new("CloudWatch:DisableCompression", SettingType.Boolean),
        new("CloudWatch:Protocol", SettingType.Enum, Enum.GetNames<CloudWatchProtocol>()),

        new("Otlp:Endpoint", SettingType.Text),
        new("Otlp:Region", SettingType.Text),
        new("Otlp:BearerToken", SettingType.Text),
        new("Otlp:BearerTokenEnvironmentVariable", SettingType.Text),
        new("Otlp:ServiceName", SettingType.Text),
        new("Otlp:RequestTimeout", SettingType.TimeSpan),
        new("Otlp:MaxRetries", SettingType.Integer),
        new("Otlp:DisableCompression", SettingType.Boolean),

        new("Spool:Directory", SettingType.Text),
        new("Spool:MaxBytes", SettingType.Long),

        new("Meters:*:Name", SettingType.Text),
        new("Meters:*:Namespace", SettingType.Text),
        new("Meters:*:Instruments", SettingType.TextList),
        new("Meters:*:Dimensions", SettingType.TextList),

        new("S3Inventory:Buckets", SettingType.TextList),
        new("S3Inventory:PrefixBreakdown", SettingType.Boolean),
        new("S3Inventory:PrefixDepth", SettingType.Integer),
        new("S3Inventory:MaxPrefixes", SettingType.Integer),
        new("S3Inventory:ServiceUrl", SettingType.Text),
        new("S3Inventory:Region", SettingType.Text),
        new("S3Inventory:ForcePathStyle", SettingType.Boolean),

        new("Cost:MonthlyBudgetUsd", SettingType.Decimal),
        new("Cost:RefreshInterval", SettingType.TimeSpan),
        new("Cost:IncludeServiceBreakdown", SettingType.Boolean),
        new("Cost:IncludeForecast", SettingType.Boolean),
        new("Cost:ServiceUrl", SettingType.Text),

        new("Dims:FilePath", SettingType.Text),
        new("Dims:DriftTolerance", SettingType.Number),
        new("Dims:StatePath", SettingType.Text),
        new("Dims:Mappings:*:Key", SettingType.Text),
        new("Dims:Mappings:*:MetricName", SettingType.Text),
        new("Dims:Mappings:*:Unit", SettingType.Enum, Enum.GetNames<MetricUnit>()),
        new("Dims:Mappings:*:Dimensions:*", SettingType.Text),

        new("Monitoring:Region", SettingType.Text),
        new("Monitoring:AccountId", SettingType.Text),
        new("Monitoring:AlertTopicName", SettingType.Text),
        new("Monitoring:AlertEmails", SettingType.TextList),
        new("Monitoring:AlertPhoneNumbers", SettingType.TextList),
        new("Monitoring:ProfiledOperations", SettingType.TextList),
        new("Monitoring:Bucket", SettingType.Text),
        new("Monitoring:TestSuites", SettingType.TextList),
        new("Monitoring:Pipelines", SettingType.TextList),

        new("Schedule:S3Inventory:Enabled", SettingType.Boolean),
        new("Schedule:S3Inventory:Interval", SettingType.TimeSpan),
        new("Schedule:Cost:Enabled", SettingType.Boolean),
        new("Schedule:Cost:Interval", SettingType.TimeSpan),
        new("Schedule:Dims:Enabled", SettingType.Boolean),
        new("Schedule:Dims:Interval", SettingType.TimeSpan),
        new("Schedule:Jitter", SettingType.Number),
    ];
}
