namespace NbaSim.Observability;

/// <summary>The namespaces and metric names of the original design, in one place.</summary>
public static class NbaMetricNames
{
    /// <summary><c>NBA-Simulator/DataCollection</c>.</summary>
    public const string DataCollection = "NBA-Simulator/DataCollection";

    /// <summary><c>NBA-Simulator/ADCE</c>.</summary>
    public const string Adce = "NBA-Simulator/ADCE";

    /// <summary><c>NBA-Simulator/Performance</c>.</summary>
    public const string Performance = "NBA-Simulator/Performance";

    /// <summary><c>NBA-Simulator/Costs</c>.</summary>
    public const string Costs = "NBA-Simulator/Costs";

    /// <summary><c>NBA-Simulator/DIMS</c>.</summary>
    public const string Dims = "NBA-Simulator/DIMS";

    /// <summary><c>NBA-Simulator/DataQuality</c>.</summary>
    public const string DataQuality = "NBA-Simulator/DataQuality";

    /// <summary>S3 object count (Count, dimension Bucket).</summary>
    public const string S3ObjectCount = "S3ObjectCount";

    /// <summary>S3 total size (Gigabytes, dimension Bucket).</summary>
    public const string S3TotalSizeGB = "S3TotalSizeGB";

    /// <summary>Failed S3 uploads (Count).</summary>
    public const string S3UploadFailures = "S3UploadFailures";

    /// <summary>ADCE tasks completed (Count).</summary>
    public const string AdceTasksCompleted = "ADCETasksCompleted";

    /// <summary>ADCE tasks failed (Count).</summary>
    public const string AdceTasksFailed = "ADCETasksFailed";

    /// <summary>ADCE queue depth (Count).</summary>
    public const string AdceQueueDepth = "ADCEQueueDepth";

    /// <summary>ADCE success rate (Percent).</summary>
    public const string AdceSuccessRate = "ADCESuccessRate";

    /// <summary>Month-to-date AWS cost (None, dollars).</summary>
    public const string MonthlyAwsCost = "MonthlyAWSCost";

    /// <summary>Month-to-date cost as a share of the budget (Percent).</summary>
    public const string BudgetUtilization = "BudgetUtilization";

    /// <summary>Forecast cost of the whole month (None, dollars).</summary>
    public const string ForecastMonthlyAwsCost = "ForecastMonthlyAWSCost";

    /// <summary>Validation pass rate (Percent).</summary>
    public const string ValidationPassRate = "ValidationPassRate";

    /// <summary>A DIMS value moved beyond the tolerance (Count, dimension Metric).</summary>
    public const string DimsDriftDetected = "DIMS_DriftDetected";

    /// <summary>Namespace of CI/CD metrics: test results and pipeline durations.</summary>
    public const string CiCd = "NBA-Simulator/CICD";

    /// <summary>Tests that passed (Count, dimension Suite).</summary>
    public const string TestsPassed = "TestsPassed";

    /// <summary>Tests that failed or errored (Count, dimension Suite).</summary>
    public const string TestsFailed = "TestsFailed";

    /// <summary>Tests skipped (Count, dimension Suite).</summary>
    public const string TestsSkipped = "TestsSkipped";

    /// <summary>Passed / (passed + failed) × 100 (Percent, dimension Suite).</summary>
    public const string TestPassRate = "TestPassRate";

    /// <summary>The whole test run (Seconds, dimension Suite).</summary>
    public const string TestSuiteDuration = "TestSuiteDuration";

    /// <summary>Distribution of per-test times (Seconds, dimension Suite): p95 test time.</summary>
    public const string TestDuration = "TestDuration";

    /// <summary>A CI pipeline run (Seconds, dimensions Pipeline and Status).</summary>
    public const string PipelineDuration = "PipelineDuration";
}
