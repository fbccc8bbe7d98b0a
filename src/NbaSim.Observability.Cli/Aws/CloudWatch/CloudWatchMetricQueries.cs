using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Cli.Aws.CloudWatch;

/// <summary>GetMetricStatistics: statistics of one metric over a time range.</summary>
internal sealed class GetMetricStatisticsRequest : AwsRequest<GetMetricStatisticsResponse>
{
    /// <summary>Namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Metric name.</summary>
    public required string MetricName { get; init; }

    /// <summary>Dimensions (all of the metric's).</summary>
    public IReadOnlyList<MetricDimension> Dimensions { get; init; } = [];

    /// <summary>Start (inclusive).</summary>
    public required DateTimeOffset StartTime { get; init; }

    /// <summary>End (exclusive).</summary>
    public required DateTimeOffset EndTime { get; init; }

    /// <summary>Period in seconds.</summary>
    public required int Period { get; init; }

    /// <summary>SampleCount, Average, Sum, Minimum, Maximum.</summary>
    public IReadOnlyList<string> Statistics { get; init; } = [];

    /// <summary>Percentiles such as p99.</summary>
    public IReadOnlyList<string> ExtendedStatistics { get; init; } = [];

    /// <summary>Optional unit filter.</summary>
    public MetricUnit? Unit { get; init; }

    internal override string Operation => "GetMetricStatistics";

    internal override void Write(IShapeWriter w)
    {
        w.String("Namespace", Namespace);
        w.String("MetricName", MetricName);
        Shapes.WriteDimensions(w, "Dimensions", Dimensions);
        w.Timestamp("StartTime", StartTime);
        w.Timestamp("EndTime", EndTime);
        w.Integer("Period", Period);
        Shapes.WriteNonEmpty(w, "Statistics", Statistics);
        Shapes.WriteNonEmpty(w, "ExtendedStatistics", ExtendedStatistics);
        w.String("Unit", Unit?.ToWireName());
    }
}

/// <summary>One datapoint of GetMetricStatistics.</summary>
internal sealed record Datapoint(DateTimeOffset Timestamp, double? SampleCount, double? Average, double? Sum, double? Minimum, double? Maximum, MetricUnit? Unit, IReadOnlyDictionary<string, string> ExtendedStatistics);

/// <summary>The answer to GetMetricStatistics.</summary>
internal sealed class GetMetricStatisticsResponse : AwsResponse
{
    /// <summary>Label.</summary>
    public string? Label { get; private set; }

    /// <summary>Datapoints, in no particular order.</summary>
    public IReadOnlyList<Datapoint> Datapoints { get; private set; } = [];

    internal override void Read(ShapeNode result)
    {
        Label = result.String("Label");
        Datapoints = result.List("Datapoints").Select(d => new Datapoint(
            d.Timestamp("Timestamp") ?? default,
            d.Number("SampleCount"),
            d.Number("Average"),
            d.Number("Sum"),
            d.Number("Minimum"),
            d.Number("Maximum"),
            Shapes.ReadUnit(d, "Unit"),
            d.StringMap("ExtendedStatistics"))).ToList();
    }
}

/// <summary>GetMetricData: several metrics and expressions at once.</summary>
internal sealed class GetMetricDataRequest : AwsRequest<GetMetricDataResponse>
{
    /// <summary>Queries (up to 500).</summary>
    public required IReadOnlyList<MetricDataQuery> MetricDataQueries { get; init; }

    /// <summary>Start.</summary>
    public required DateTimeOffset StartTime { get; init; }

    /// <summary>End.</summary>
    public required DateTimeOffset EndTime { get; init; }

    /// <summary>Page token.</summary>
    public string? NextToken { get; init; }

    /// <summary>TimestampDescending or TimestampAscending.</summary>
    public string? ScanBy { get; init; }

    /// <summary>Cap on datapoints.</summary>
    public int? MaxDatapoints { get; init; }

    internal override string Operation => "GetMetricData";

    internal override void Write(IShapeWriter w)
    {
        w.List("MetricDataQueries", MetricDataQueries, static (m, q) => q.Write(m));
        w.Timestamp("StartTime", StartTime);
        w.Timestamp("EndTime", EndTime);
        w.String("NextToken", NextToken);
        w.String("ScanBy", ScanBy);
        w.Integer("MaxDatapoints", MaxDatapoints);
    }
}

/// <summary>One result of GetMetricData.</summary>
internal sealed record MetricDataResult(string Id, string? Label, IReadOnlyList<DateTimeOffset> Timestamps, IReadOnlyList<double> Values, string? StatusCode);

/// <summary>The answer to GetMetricData.</summary>
internal sealed class GetMetricDataResponse : AwsResponse
{
    /// <summary>Results, one per returned query.</summary>
    public IReadOnlyList<MetricDataResult> MetricDataResults { get; private set; } = [];

    /// <summary>Token of the next page, if any.</summary>
    public string? NextToken { get; private set; }

    internal override void Read(ShapeNode result)
    {
        NextToken = result.String("NextToken");
        MetricDataResults = result.List("MetricDataResults").Select(r => new MetricDataResult(
            r.String("Id") ?? string.Empty,
            r.String("Label"),
            r.List("Timestamps").Select(t => t.TimestampText ?? default).ToList(),
            r.NumberList("Values"),
            r.String("StatusCode"))).ToList();
    }
}

/// <summary>ListMetrics: metrics of a namespace (optionally by name and dimensions).</summary>
internal sealed class ListMetricsRequest : AwsRequest<ListMetricsResponse>
{
    /// <summary>Namespace filter.</summary>
    public string? Namespace { get; init; }

    /// <summary>Metric name filter.</summary>
    public string? MetricName { get; init; }

    /// <summary>Page token.</summary>
    public string? NextToken { get; init; }

    internal override string Operation => "ListMetrics";

    internal override void Write(IShapeWriter w)
    {
        w.String("Namespace", Namespace);
        w.String("MetricName", MetricName);
        w.String("NextToken", NextToken);
    }
}

/// <summary>The answer to ListMetrics.</summary>
internal sealed class ListMetricsResponse : AwsResponse
{
    /// <summary>Metrics (moto may list one twice).</summary>
    public IReadOnlyList<MetricIdentity> Metrics { get; private set; } = [];

    /// <summary>Token of the next page, if any.</summary>
    public string? NextToken { get; private set; }

    internal override void Read(ShapeNode result)
    {
        NextToken = result.String("NextToken");
        Metrics = result.List("Metrics").Select(MetricIdentity.Read).ToList();
    }
}
