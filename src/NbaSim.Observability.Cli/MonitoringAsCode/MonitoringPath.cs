namespace NbaSim.Observability.Cli.MonitoringAsCode;

/// <summary>Which store the alarms watch (<c>nbaobs plan|apply --path</c>).</summary>
internal enum MonitoringPath
{
    /// <summary>CloudWatch metrics (PutMetricData, EMF): metric alarms and anomaly detectors, and the dashboards.</summary>
    Classic,

    /// <summary>CloudWatch's OpenTelemetry metrics (OTLP): PromQL alarms.</summary>
    OTel,

    /// <summary>Both, side by side, while dual-writing.</summary>
    Both,
}
