namespace NbaSim.Observability;

/// <summary>Which exporter receives the batches.</summary>
public enum MetricExporterKind
{
    /// <summary>CloudWatch Embedded Metric Format lines (stdout, a file, or the CloudWatch agent). Needs no AWS account.</summary>
    Emf,
    /// <summary>CloudWatch <c>PutMetricData</c>.</summary>
    CloudWatch,
    /// <summary>OTLP/HTTP to CloudWatch's OpenTelemetry metrics endpoint (PromQL; priced per GB).</summary>
    Otlp,
}
