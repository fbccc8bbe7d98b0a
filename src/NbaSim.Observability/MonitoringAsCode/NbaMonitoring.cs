using System.Globalization;
using System.Text.Json;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.MonitoringAsCode;
using static NbaSim.Observability.NbaMetricNames;

namespace NbaSim.Observability;

/// <summary>
/// The NBA simulator's dashboards, alarms, anomaly detectors and alert topic, as typed definitions. The original design's
/// two dashboards and four alarms keep their names and thresholds; the rest extends them (see docs/monitoring).
/// </summary>
public static class NbaMonitoring
{
    /// <summary>Prefix of every dashboard this product owns.</summary>
    public const string DashboardPrefix = "NBA-Simulator-";

    private static readonly MetricDimension Success = new("Status", "success");
    private static readonly string[] DurationPercentiles = ["p50", "p95", "p99"];
    private static readonly string[] RuntimeMeters = ["System.Net.Http", "System.Runtime"];

    /// <summary>The three dashboards.</summary>
    public static IReadOnlyList<DashboardDefinition> Dashboards(MonitoringContext c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var bucket = new MetricDimension("Bucket", c.Bucket);
        var r = c.Region;

        var dataCollection = new DashboardDefinition("NBA-Simulator-DataCollection",
        [
            new MetricWidget(new(0, 0), "S3 Bucket Growth",
                [MetricLine.Of(DataCollection, S3ObjectCount, bucket), MetricLine.Of(DataCollection, S3TotalSizeGB, bucket) with { RightAxis = true }], 3600, "Average", r),
            new MetricWidget(new(12, 0), "ADCE Task Execution",
                [MetricLine.Of(Adce, AdceTasksCompleted) with { Stat = "Sum" }, MetricLine.Of(Adce, AdceTasksFailed) with { Stat = "Sum" }], 300, "Sum", r),
            new MetricWidget(new(0, 6), "ADCE Success Rate", [MetricLine.Of(Adce, AdceSuccessRate)], 300, "Average", r)
            {
                LeftAxis = new AxisRange(0, 100),
                Annotations = [new HorizontalAnnotation("ADCE-HighFailureRate (95 %)", 95, "#d62728")],
            },
            new MetricWidget(new(12, 6), "S3 Upload Failures", [MetricLine.Of(DataCollection, S3UploadFailures)], 300, "Sum", r)
            {
                Annotations = [new HorizontalAnnotation("S3-UploadFailures (> 5)", 5, "#d62728")],
            },
            new MetricWidget(new(0, 12), "Data Quality: Validation Pass Rate", [MetricLine.Of(DataQuality, ValidationPassRate)], 3600, "Average", r)
            {
                LeftAxis = new AxisRange(0, 100),
                Annotations = [new HorizontalAnnotation("Data-QualityIssues (95 %)", 95, "#d62728")],
            },
            new MetricWidget(new(12, 12), "DIMS: Inventory vs Live S3",
                [MetricLine.Of(Dims, "DIMS_S3Objects", new MetricDimension("Source", "DIMS")) with { Label = "DIMS objects" }, MetricLine.Of(DataCollection, S3ObjectCount, bucket) with { Label = "S3 objects" }, MetricLine.Of(Dims, DimsDriftDetected) with { Stat = "Sum", RightAxis = true, Label = "Drift detected" }],
                21600, "Maximum", r),
        ]);

        var operations = Operations(c);
        var durations = operations.SelectMany(op => DurationPercentiles.Select(p =>
            MetricLine.Of(op.Namespace, op.MetricName, [Success, .. op.Dimensions]) with { Stat = p, Label = $"{op.Label} {p}" })).ToList();
        var performance = new DashboardDefinition("NBA-Simulator-Performance",
        [
            new MetricWidget(new(0, 0, 24, 6), "Operation Performance (p50 / p95 / p99)", durations, 300, "p95", r) { LeftAxis = new AxisRange(0, null, "Seconds") },
            new MetricWidget(new(0, 6), "AWS Costs vs Budget", [MetricLine.Of(Costs, MonthlyAwsCost)], 86400, "Maximum", r)
            {
                LeftAxis = new AxisRange(0, null, "USD"),
                Annotations = [new HorizontalAnnotation("Budget Limit", (double)c.MonthlyBudgetUsd, "#d62728")],
            },
            new MetricWidget(new(12, 6), "Budget Utilization %", [MetricLine.Of(Costs, BudgetUtilization)], 86400, "Maximum", r)
            {
                LeftAxis = new AxisRange(0, 100),
                Annotations = [new HorizontalAnnotation("AWS-CostBudgetExceeded (80 %)", 80, "#d62728")],
            },
            new MetricWidget(new(0, 12, 24, 6), "Operation Failures",
                operations.Select(op => MetricLine.Of(op.Namespace, op.MetricName, [new MetricDimension("Status", "failure"), .. op.Dimensions]) with { Stat = "SampleCount", Label = $"{op.Label} failures" }).ToList(), 300, "SampleCount", r),

            // CI/CD (nbaobs publish tests / pipeline): on this dashboard, as a fourth one would cost $3 a month.
            new MetricWidget(new(0, 18), "CI/CD: Test Results",
                c.TestSuites.SelectMany(suite => new[] { TestsPassed, TestsFailed, TestsSkipped }.Select(metric =>
                    MetricLine.Of(CiCd, metric, new MetricDimension("Suite", suite)) with { Stat = "Sum", Label = $"{suite} {metric[5..].ToLowerInvariant()}" })).ToList(), 3600, "Sum", r),
            new MetricWidget(new(12, 18), "CI/CD: Test Pass Rate", c.TestSuites.Select(suite => MetricLine.Of(CiCd, TestPassRate, new MetricDimension("Suite", suite)) with { Label = suite }).ToList(), 3600, "Average", r)
            {
                LeftAxis = new AxisRange(0, 100),
            },
            new MetricWidget(new(0, 24), "CI/CD: p95 Test Time", c.TestSuites.Select(suite => MetricLine.Of(CiCd, TestDuration, new MetricDimension("Suite", suite)) with { Label = $"{suite} p95" }).ToList(), 3600, "p95", r),
            new MetricWidget(new(12, 24), "CI/CD: Pipeline Duration",
                c.Pipelines.Select(pipeline => MetricLine.Of(CiCd, PipelineDuration, new MetricDimension("Pipeline", pipeline), Success) with { Label = pipeline }).ToList(), 3600, "Average", r),
        ]);

        if (c.RuntimeNamespace is { } runtime)
        {
            performance = performance with { Widgets = [.. performance.Widgets, .. RuntimeWidgets(runtime, r)] };
        }

        var adceHealth = new DashboardDefinition("NBA-Simulator-ADCE-Health",
        [
            new AlarmStatusWidget(new(0, 0, 24, 3), "ADCE alarms", [c.AlarmArn("ADCE-HighFailureRate"), c.AlarmArn("ADCE-QueueDepthAnomaly"), c.AlarmArn("S3-UploadFailures")]),
            new MetricWidget(new(0, 3), "ADCE Queue Depth", [MetricLine.Of(Adce, AdceQueueDepth) with { Stat = "Maximum", Label = "max" }, MetricLine.Of(Adce, AdceQueueDepth) with { Label = "average" }], 60, "Average", r),
            new MetricWidget(new(12, 3), "ADCE Success Rate", [MetricLine.Of(Adce, AdceSuccessRate)], 300, "Average", r)
            {
                LeftAxis = new AxisRange(0, 100),
                Annotations = [new HorizontalAnnotation("ADCE-HighFailureRate (95 %)", 95, "#d62728")],
            },
            new MetricWidget(new(0, 9, 24, 6), "ADCE Tasks Completed / Failed",
                [MetricLine.Of(Adce, AdceTasksCompleted) with { Stat = "Sum" }, MetricLine.Of(Adce, AdceTasksFailed) with { Stat = "Sum" }], 60, "Sum", r),
            new TextWidget(new(0, 15, 24, 2), "Runbooks: docs/monitoring/ALARM_RUNBOOKS.md · `nbaobs alarms status` · `nbaobs alarms test ADCE-HighFailureRate`"),
        ]);

        return [dataCollection, performance, adceHealth];
    }

    /// <summary>
    /// The same three dashboards on CloudWatch's OpenTelemetry path: PromQL charts (<see cref="PromQLWidget"/>) over what
    /// the OTLP exporter sends, each named as its Classic twin plus <see cref="PromQLSuffix"/>. Thresholds are constant
    /// lines; the alarm widget shows the PromQL alarms. The CI/CD widgets stay on the Classic dashboard: <c>nbaobs
    /// publish</c> writes those metrics with PutMetricData only.
    /// </summary>
    public static IReadOnlyList<DashboardDefinition> PromQLDashboards(MonitoringContext c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var bucket = new MetricDimension("Bucket", c.Bucket);
        var r = c.Region;
        // rate/increase need two points in their range (four advised): ranges span four export periods at least.
        var minute = GaugeRange(c, TimeSpan.FromMinutes(1));
        var fiveMinutes = GaugeRange(c, TimeSpan.FromMinutes(5));
        var hour = GaugeRange(c, TimeSpan.FromHours(1));
        var day = GaugeRange(c, TimeSpan.FromDays(1));
        var rateMinute = RateRange(c, TimeSpan.FromMinutes(1));
        var rateFiveMinutes = RateRange(c, TimeSpan.FromMinutes(5));
        var rateHour = RateRange(c, TimeSpan.FromHours(1));
        const int FiveMinuteStep = 300;

        var dataCollection = new DashboardDefinition("NBA-Simulator-DataCollection" + PromQLSuffix,
        [
            new PromQLWidget(new(0, 0), "S3 Bucket Growth",
                [PromQLLine.GaugeAverage(DataCollection, S3ObjectCount, hour, "objects", bucket), PromQLLine.GaugeAverage(DataCollection, S3TotalSizeGB, hour, "size (GB)", bucket)], r) { Step = 3600 },
            new PromQLWidget(new(12, 0), "ADCE Task Execution",
                [PromQLLine.CounterIncrease(Adce, AdceTasksCompleted, rateFiveMinutes, "completed"), PromQLLine.CounterIncrease(Adce, AdceTasksFailed, rateFiveMinutes, "failed")], r) { Step = FiveMinuteStep },
            new PromQLWidget(new(0, 6), "ADCE Success Rate",
                [PromQLLine.GaugeAverage(Adce, AdceSuccessRate, fiveMinutes, "success rate"), PromQLLine.Threshold(95, "ADCE-HighFailureRate (95 %)")], r) { Step = FiveMinuteStep, AxisTitle = "Percent" },
            new PromQLWidget(new(12, 6), "S3 Upload Failures",
                [PromQLLine.CounterIncrease(DataCollection, S3UploadFailures, rateFiveMinutes, "failures"), PromQLLine.Threshold(5, "S3-UploadFailures (> 5)")], r) { Step = FiveMinuteStep },
            new PromQLWidget(new(0, 12), "Data Quality: Validation Pass Rate",
                [PromQLLine.HistogramAverage(DataQuality, ValidationPassRate, rateHour, "pass rate"), PromQLLine.Threshold(95, "Data-QualityIssues (95 %)")], r) { Step = 3600, AxisTitle = "Percent" },
            new PromQLWidget(new(12, 12), "DIMS: Inventory vs Live S3",
                [PromQLLine.GaugeMaximum(Dims, "DIMS_S3Objects", TimeSpan.FromHours(6), "DIMS objects", new MetricDimension("Source", "DIMS")), PromQLLine.GaugeMaximum(DataCollection, S3ObjectCount, TimeSpan.FromHours(6), "S3 objects", bucket), PromQLLine.GaugeMaximum(Dims, DimsDriftDetected, TimeSpan.FromHours(6), "Drift detected")], r) { Step = 21600 },
        ]);

        var operations = Operations(c);
        double[] quantiles = [0.5, 0.95, 0.99];
        var y = 0;
        List<Widget> performanceWidgets = [];

        // A chart holds at most PromQLWidget.MaxQueries queries: many profiled operations take several charts.
        foreach (var (chunk, i) in operations.Chunk(PromQLWidget.MaxQueries / quantiles.Length).Select((chunk, i) => (chunk, i)))
        {
            performanceWidgets.Add(new PromQLWidget(new(0, y, 24, 6), "Operation Performance (p50 / p95 / p99)" + (i == 0 ? string.Empty : $" ({i + 1})"),
                chunk.SelectMany(op => quantiles.Select(q => PromQLLine.Quantile(q, op.Namespace, op.MetricName, rateFiveMinutes, $"{op.Label} p{q * 100:0}", [Success, .. op.Dimensions]))).ToList(), r) { Step = FiveMinuteStep, AxisTitle = "Seconds" });
            y += 6;
        }

        performanceWidgets.AddRange(
        [
            new PromQLWidget(new(0, y), "AWS Costs vs Budget",
                [PromQLLine.GaugeMaximum(Costs, MonthlyAwsCost, day, "month to date"), PromQLLine.Threshold((double)c.MonthlyBudgetUsd, "Budget Limit")], r) { Step = 86400, AxisTitle = "USD" },
            new PromQLWidget(new(12, y), "Budget Utilization %",
                [PromQLLine.GaugeMaximum(Costs, BudgetUtilization, day, "utilization"), PromQLLine.Threshold(80, "AWS-CostBudgetExceeded (80 %)")], r) { Step = 86400, AxisTitle = "Percent" },
        ]);
        y += 6;
        foreach (var (chunk, i) in operations.Chunk(PromQLWidget.MaxQueries).Select((chunk, i) => (chunk, i)))
        {
            performanceWidgets.Add(new PromQLWidget(new(0, y, 24, 6), "Operation Failures" + (i == 0 ? string.Empty : $" ({i + 1})"),
                chunk.Select(op => PromQLLine.HistogramCount(op.Namespace, op.MetricName, rateFiveMinutes, $"{op.Label} failures", [new MetricDimension("Status", "failure"), .. op.Dimensions])).ToList(), r) { Step = FiveMinuteStep, AxisTitle = "Count" });
            y += 6;
        }

        performanceWidgets.Add(new TextWidget(new(0, y, 24, 2), "CI/CD results (`nbaobs publish tests|pipeline`) are written with PutMetricData only: see the Classic dashboard NBA-Simulator-Performance."));
        y += 2;
        if (c.RuntimeNamespace is { } runtime)
        {
            performanceWidgets.Add(new PromQLWidget(new(0, y), "Runtime: HTTP Client Requests (p50 / p95 / p99)",
                quantiles.Select(q => PromQLLine.Quantile(q, runtime, "http.client.request.duration", rateFiveMinutes, $"request p{q * 100:0}")).ToList(), r) { Step = FiveMinuteStep, AxisTitle = "Seconds" });
            performanceWidgets.Add(new PromQLWidget(new(12, y), "Runtime: GC and Thread Pool",
            [
                PromQLLine.CounterIncrease(runtime, "dotnet.gc.collections", rateFiveMinutes, "GC collections"),
                PromQLLine.GaugeMaximum(runtime, "dotnet.thread_pool.queue.length", fiveMinutes, "thread-pool queue"),
                PromQLLine.GaugeMaximum(runtime, "dotnet.thread_pool.thread.count", fiveMinutes, "thread-pool threads"),
            ], r) { Step = FiveMinuteStep });
        }

        var performance = new DashboardDefinition("NBA-Simulator-Performance" + PromQLSuffix, performanceWidgets);

        var adceHealth = new DashboardDefinition("NBA-Simulator-ADCE-Health" + PromQLSuffix,
        [
            new AlarmStatusWidget(new(0, 0, 24, 3), "ADCE alarms (PromQL)", [c.AlarmArn("ADCE-HighFailureRate" + PromQLSuffix), c.AlarmArn("ADCE-QueueDepthAnomaly" + PromQLSuffix), c.AlarmArn("S3-UploadFailures" + PromQLSuffix)]),
            new PromQLWidget(new(0, 3), "ADCE Queue Depth",
                [PromQLLine.GaugeMaximum(Adce, AdceQueueDepth, minute, "max"), PromQLLine.GaugeAverage(Adce, AdceQueueDepth, minute, "average")], r),
            new PromQLWidget(new(12, 3), "ADCE Success Rate",
                [PromQLLine.GaugeAverage(Adce, AdceSuccessRate, fiveMinutes, "success rate"), PromQLLine.Threshold(95, "ADCE-HighFailureRate (95 %)")], r) { Step = FiveMinuteStep, AxisTitle = "Percent" },
            new PromQLWidget(new(0, 9, 24, 6), "ADCE Tasks Completed / Failed",
                [PromQLLine.CounterIncrease(Adce, AdceTasksCompleted, rateMinute, "completed"), PromQLLine.CounterIncrease(Adce, AdceTasksFailed, rateMinute, "failed")], r),
            new TextWidget(new(0, 15, 24, 2), "Runbooks: docs/monitoring/ALARM_RUNBOOKS.md · `nbaobs alarms status --path otel` · `nbaobs alarms test ADCE-HighFailureRate-PromQL`"),
        ]);

        return [dataCollection, performance, adceHealth];
    }

    /// <summary>
    /// A <c>rate</c>/<c>increase</c> range: at least four export periods (PromQL needs two points in the range and advises
    /// four), in whole minutes.
    /// </summary>
    internal static TimeSpan RateRange(MonitoringContext c, TimeSpan wanted) => WholeMinutes(Math.Max(wanted.Ticks, c.AggregationPeriod.Ticks * 4));

    /// <summary>A gauge's <c>…_over_time</c> range: at least one export period, in whole minutes.</summary>
    internal static TimeSpan GaugeRange(MonitoringContext c, TimeSpan wanted) => WholeMinutes(Math.Max(wanted.Ticks, c.AggregationPeriod.Ticks));

    private static TimeSpan WholeMinutes(long ticks) => TimeSpan.FromMinutes(Math.Ceiling((double)ticks / TimeSpan.TicksPerMinute));

    /// <summary>The namespace of the Meter bridge entry that covers .NET's HTTP or runtime meters, or null.</summary>
    internal static string? RuntimeNamespaceOf(IEnumerable<MeterBridgeOptions>? meters)
        => meters?.FirstOrDefault(m => m.Name is { Length: > 0 } name
            && RuntimeMeters.Any(meter => name == meter || (name.EndsWith('*') && meter.StartsWith(name[..^1], StringComparison.Ordinal))))?.Namespace;

    /// <summary>.NET's own meters as the Meter bridge publishes them (no dimensions): HTTP client latency, GC and thread pool.</summary>
    private static IEnumerable<Widget> RuntimeWidgets(string ns, string region) =>
    [
        new MetricWidget(new(0, 30), "Runtime: HTTP Client Requests (p50 / p95 / p99)",
            DurationPercentiles.Select(p => MetricLine.Of(ns, "http.client.request.duration") with { Stat = p, Label = $"request {p}" }).ToList(), 300, "p95", region)
        {
            LeftAxis = new AxisRange(0, null, "Seconds"),
        },
        new MetricWidget(new(12, 30), "Runtime: GC and Thread Pool",
        [
            MetricLine.Of(ns, "dotnet.gc.collections") with { Stat = "Sum", Label = "GC collections" },
            MetricLine.Of(ns, "dotnet.thread_pool.queue.length") with { Stat = "Maximum", Label = "thread-pool queue" },
            MetricLine.Of(ns, "dotnet.thread_pool.thread.count") with { Stat = "Maximum", Label = "thread-pool threads" },
            MetricLine.Of(ns, "dotnet.process.memory.working_set") with { Stat = "Maximum", Label = "working set", RightAxis = true },
        ], 300, "Maximum", region),
    ];

    /// <summary>The original four alarms, the anomaly alarms (queue depth, each profiled operation) and the DIMS drift alarm.</summary>
    internal static IReadOnlyList<MetricAlarmDefinition> Alarms(MonitoringContext c)
    {
        ArgumentNullException.ThrowIfNull(c);
        string[] actions = [c.AlertTopicArn];
        var alarms = new List<MetricAlarmDefinition>
        {
            // No task finished in a period publishes no success rate: that is not a failure rate (notBreaching).
            new()
            {
                AlarmName = "ADCE-HighFailureRate", AlarmDescription = "ADCE success rate dropped below 95%", ActionsEnabled = true, AlarmActions = actions,
                Namespace = Adce, MetricName = AdceSuccessRate, Statistic = "Average", Period = 300, EvaluationPeriods = 2, Threshold = 95,
                ComparisonOperator = "LessThanThreshold", TreatMissingData = "notBreaching",
            },

            // Cost arrives every 6 h at best; a day without a figure must not clear an exceeded budget (ignore keeps the state).
            new()
            {
                AlarmName = "AWS-CostBudgetExceeded", AlarmDescription = string.Create(CultureInfo.InvariantCulture, $"AWS costs exceeded 80% of ${c.MonthlyBudgetUsd:0.##} budget"), ActionsEnabled = true, AlarmActions = actions,
                Namespace = Costs, MetricName = BudgetUtilization, Statistic = "Maximum", Period = 86400, EvaluationPeriods = 1, Threshold = 80,
                ComparisonOperator = "GreaterThanThreshold", TreatMissingData = "ignore",
            },

            // Zero is published for quiet periods; missing data means no scraper ran, which is not an upload failure.
            new()
            {
                AlarmName = "S3-UploadFailures", AlarmDescription = "More than 5 S3 upload failures in 10 minutes", ActionsEnabled = true, AlarmActions = actions,
                Namespace = DataCollection, MetricName = S3UploadFailures, Statistic = "Sum", Period = 300, EvaluationPeriods = 2, Threshold = 5,
                ComparisonOperator = "GreaterThanThreshold", TreatMissingData = "notBreaching",
            },

            // An hour without a validation run is not a quality problem.
            new()
            {
                AlarmName = "Data-QualityIssues", AlarmDescription = "Data validation pass rate below 95%", ActionsEnabled = true, AlarmActions = actions,
                Namespace = DataQuality, MetricName = ValidationPassRate, Statistic = "Average", Period = 3600, EvaluationPeriods = 1, Threshold = 95,
                ComparisonOperator = "LessThanThreshold", TreatMissingData = "notBreaching",
            },

            // Any drift in a 6-hour DIMS cycle.
            new()
            {
                AlarmName = "DIMS-DriftDetected", AlarmDescription = "A DIMS inventory value moved beyond its tolerance", ActionsEnabled = true, AlarmActions = actions,
                Namespace = Dims, MetricName = DimsDriftDetected, Statistic = "Sum", Period = 21600, EvaluationPeriods = 1, Threshold = 0,
                ComparisonOperator = "GreaterThanThreshold", TreatMissingData = "notBreaching",
            },
            AnomalyAlarm(c, "ADCE-QueueDepthAnomaly", "ADCE queue depth is outside its expected band", Adce, AdceQueueDepth, [], "Average", "GreaterThanUpperThreshold"),
        };

        alarms.AddRange(Operations(c).Select(op => AnomalyAlarm(
            c, $"{op.Key}-DurationRegression", $"{op.Label} p95 duration is above its expected band (performance regression)", op.Namespace, op.MetricName, [Success, .. op.Dimensions], "p95", "GreaterThanUpperThreshold")));

        // A run with a failed test; no run is not a failure.
        alarms.AddRange(c.TestSuites.Select(suite => new MetricAlarmDefinition
        {
            AlarmName = $"CICD-TestsFailed-{suite}", AlarmDescription = $"Tests of suite {suite} failed in CI", ActionsEnabled = true, AlarmActions = actions,
            Namespace = CiCd, MetricName = TestsFailed, Dimensions = [new MetricDimension("Suite", suite)], Statistic = "Sum", Period = 3600, EvaluationPeriods = 1, Threshold = 0,
            ComparisonOperator = "GreaterThanThreshold", TreatMissingData = "notBreaching",
        }));

        // The regression signal: a successful pipeline run slower than its learned band.
        alarms.AddRange(c.Pipelines.Select(pipeline => AnomalyAlarm(
            c, $"CICD-PipelineDurationRegression-{pipeline}", $"Pipeline {pipeline} takes longer than its expected band (CI regression)", CiCd, PipelineDuration,
            [new MetricDimension("Pipeline", pipeline), Success], "Average", "GreaterThanUpperThreshold")));
        return alarms;
    }

    /// <summary>Suffix of the OTel path's alarms and dashboards: both sets live side by side while dual-writing.</summary>
    public const string PromQLSuffix = "-PromQL";

    /// <summary>
    /// The OTel path's alarms (PromQL over what the OTLP exporter sends): the original four, DIMS drift, and the
    /// queue-depth and duration-regression bands, each named as its Classic twin plus <see cref="PromQLSuffix"/>. The
    /// CI/CD alarms have no twin: <c>nbaobs publish</c> writes those metrics with PutMetricData only.
    /// </summary>
    internal static IReadOnlyList<MetricAlarmDefinition> PromQLAlarms(MonitoringContext c)
    {
        ArgumentNullException.ThrowIfNull(c);
        string[] actions = [c.AlertTopicArn];
        MetricAlarmDefinition Alarm(string name, string description, string query, int interval, int pending, int recovery) => new()
        {
            AlarmName = name + PromQLSuffix,
            AlarmDescription = description,
            ActionsEnabled = true,
            AlarmActions = actions,
            EvaluationPeriods = 0,
            ComparisonOperator = string.Empty,
            PromQL = new PromQLCriteria(query, pending, recovery),
            EvaluationInterval = interval,
        };

        var rate5 = PromQLQuery.Duration(RateRange(c, TimeSpan.FromMinutes(5)));
        var rate1h = PromQLQuery.Duration(RateRange(c, TimeSpan.FromHours(1)));
        var gauge5 = PromQLQuery.Duration(GaugeRange(c, TimeSpan.FromMinutes(5)));
        var alarms = new List<MetricAlarmDefinition>
        {
            // A gauge: the 5-minute average below 95 for two periods (pending 5 min after the first breaching one).
            Alarm("ADCE-HighFailureRate", "ADCE success rate dropped below 95%",
                $"avg_over_time({PromQLQuery.Selector(Adce, AdceSuccessRate)}[{gauge5}]) < 95", 60, 300, 300),
            Alarm("AWS-CostBudgetExceeded", string.Create(CultureInfo.InvariantCulture, $"AWS costs exceeded 80% of ${c.MonthlyBudgetUsd:0.##} budget"),
                $"max_over_time({PromQLQuery.Selector(Costs, BudgetUtilization)}[1d]) > 80", 3600, 0, 0),

            // A cumulative counter: its increase over 5 minutes, summed over any labels, above 5 in two periods.
            Alarm("S3-UploadFailures", "More than 5 S3 upload failures in 10 minutes",
                $"sum(increase({PromQLQuery.Selector(DataCollection, S3UploadFailures)}[{rate5}])) > 5", 60, 300, 300),

            // A histogram: the mean of the hour's validation runs.
            Alarm("Data-QualityIssues", "Data validation pass rate below 95%",
                $"histogram_avg(sum(increase({PromQLQuery.Selector(DataQuality, ValidationPassRate)}[{rate1h}]))) < 95", 300, 0, 0),
            Alarm("DIMS-DriftDetected", "A DIMS inventory value moved beyond its tolerance",
                $"max_over_time({PromQLQuery.Selector(Dims, DimsDriftDetected)}[6h]) > 0", 300, 0, 0),
            Alarm("ADCE-QueueDepthAnomaly", "ADCE queue depth is outside its expected band",
                PromQLQuery.AboveBand($"avg_over_time({PromQLQuery.Selector(Adce, AdceQueueDepth)}[{gauge5}])", 2), 300, 900, 300),
        };

        alarms.AddRange(Operations(c).Select(op => Alarm(
            $"{op.Key}-DurationRegression", $"{op.Label} p95 duration is above its expected band (performance regression)",
            PromQLQuery.AboveBand($"histogram_quantile(0.95, sum(rate({PromQLQuery.Selector(op.Namespace, op.MetricName, [Success, .. op.Dimensions])}[{rate5}])))", 2), 300, 900, 300)));
        return alarms;
    }

    /// <summary>The anomaly detectors the anomaly alarms use.</summary>
    internal static IReadOnlyList<AnomalyDetectorDefinition> AnomalyDetectors(MonitoringContext c)
        => Alarms(c).Where(a => a.ThresholdMetricId is not null).Select(a => a.Metrics[0].MetricStat!).Select(s => new AnomalyDetectorDefinition
        {
            Namespace = s.Metric.Namespace,
            MetricName = s.Metric.MetricName,
            Dimensions = s.Metric.Dimensions,
            Stat = s.Stat,
        }).ToList();

    /// <summary>The topic policy: CloudWatch alarms of this account may publish.</summary>
    internal static string AlertTopicPolicy(MonitoringContext c)
    {
        ArgumentNullException.ThrowIfNull(c);
        // Written field by field: no reflection, so the policy is the same under trimming and Native AOT.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("Version", "2012-10-17");
            json.WriteStartArray("Statement");
            json.WriteStartObject();
            json.WriteString("Sid", "AllowCloudWatchAlarmsToPublish");
            json.WriteString("Effect", "Allow");
            json.WriteStartObject("Principal");
            json.WriteString("Service", "cloudwatch.amazonaws.com");
            json.WriteEndObject();
            json.WriteString("Action", "SNS:Publish");
            json.WriteString("Resource", c.AlertTopicArn);
            json.WriteStartObject("Condition");
            json.WriteStartObject("ArnLike");
            json.WriteString("aws:SourceArn", $"arn:aws:cloudwatch:{c.Region}:{c.AccountId}:alarm:*");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The profiled operations, parsed (<c>Name[Dim=Value]@Namespace</c>), each once.</summary>
    /// <exception cref="FormatException">An entry is not in that form (the options validator reports it at start-up).</exception>
    internal static IReadOnlyList<ProfiledOperation> Operations(MonitoringContext c)
        => c.ProfiledOperations.Select(ProfiledOperation.Parse).DistinctBy(op => op.ToString()).ToList();

    private static MetricAlarmDefinition AnomalyAlarm(MonitoringContext c, string name, string description, string ns, string metric, MetricDimension[] dimensions, string stat, string comparison) => new()
    {
        AlarmName = name,
        AlarmDescription = description,
        ActionsEnabled = true,
        AlarmActions = [c.AlertTopicArn],
        EvaluationPeriods = 3,
        DatapointsToAlarm = 3,
        ComparisonOperator = comparison,
        TreatMissingData = "ignore",
        ThresholdMetricId = "ad1",
        Metrics =
        [
            new MetricDataQuery { Id = "m1", ReturnData = true, MetricStat = new MetricStat { Metric = new MetricIdentity { Namespace = ns, MetricName = metric, Dimensions = dimensions }, Period = 300, Stat = stat } },
            new MetricDataQuery { Id = "ad1", Expression = "ANOMALY_DETECTION_BAND(m1, 2)", Label = $"{metric} (expected)", ReturnData = true },
        ],
    };
}
