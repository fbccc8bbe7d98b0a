using Amazon;
using Amazon.Runtime;
using NbaSim.Observability.Aws.Protocol;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Aws.CostExplorer;

/// <summary>A grouping of GetCostAndUsage: <c>DIMENSION</c>/<c>SERVICE</c>, <c>TAG</c>/key, …</summary>
internal sealed record GroupDefinition(string Type, string Key);

/// <summary>An amount with its unit (usually USD).</summary>
internal sealed record MetricValue(decimal Amount, string? Unit);

/// <summary>One group's metrics within a time bucket.</summary>
internal sealed record CostGroup(IReadOnlyList<string> Keys, IReadOnlyDictionary<string, MetricValue> Metrics);

/// <summary>One time bucket of GetCostAndUsage.</summary>
internal sealed record ResultByTime(DateInterval TimePeriod, IReadOnlyDictionary<string, MetricValue> Total, IReadOnlyList<CostGroup> Groups, bool Estimated);

/// <summary>GetCostAndUsage (each call, each page, costs $0.01).</summary>
internal sealed class GetCostAndUsageRequest : AwsRequest<GetCostAndUsageResponse>
{
    /// <summary>The period.</summary>
    public required DateInterval TimePeriod { get; init; }

    /// <summary>MONTHLY, DAILY or HOURLY.</summary>
    public string Granularity { get; init; } = "MONTHLY";

    /// <summary>Metrics, e.g. UnblendedCost.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = ["UnblendedCost"];

    /// <summary>Up to two groupings.</summary>
    public IReadOnlyList<GroupDefinition> GroupBy { get; init; } = [];

    /// <summary>Page token.</summary>
    public string? NextPageToken { get; init; }

    internal override string Operation => "GetCostAndUsage";

    internal override void Write(IShapeWriter w)
    {
        w.Structure("TimePeriod", TimePeriod.Write);
        w.String("Granularity", Granularity);
        w.StringList("Metrics", Metrics);
        if (GroupBy.Count > 0)
        {
            w.List("GroupBy", GroupBy, static (m, g) =>
            {
                m.String("Type", g.Type);
                m.String("Key", g.Key);
            });
        }

        w.String("NextPageToken", NextPageToken);
    }
}

/// <summary>The answer to GetCostAndUsage (one page).</summary>
internal sealed class GetCostAndUsageResponse : AwsResponse
{
    /// <summary>Time buckets.</summary>
    public IReadOnlyList<ResultByTime> ResultsByTime { get; private set; } = [];

    /// <summary>Token of the next page, if any.</summary>
    public string? NextPageToken { get; private set; }

    internal override void Read(ShapeNode result)
    {
        NextPageToken = result.String("NextPageToken");
        ResultsByTime = result.List("ResultsByTime").Select(r => new ResultByTime(
            r.Child("TimePeriod") is { } p ? DateInterval.Read(p) : new DateInterval(default, default),
            ReadMetrics(r.Child("Total")),
            r.List("Groups").Select(g => new CostGroup(g.StringList("Keys"), ReadMetrics(g.Child("Metrics")))).ToList(),
            r.Boolean("Estimated") ?? false)).ToList();
    }

    internal static IReadOnlyDictionary<string, MetricValue> ReadMetrics(ShapeNode? node)
    {
        var metrics = new Dictionary<string, MetricValue>(StringComparer.Ordinal);
        if (node is null)
        {
            return metrics;
        }

        foreach (var name in new[] { "UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost", "NetAmortizedCost", "UsageQuantity", "NormalizedUsageAmount" })
        {
            if (node.Child(name) is { } value && value.String("Amount") is { } amount)
            {
                metrics[name] = new MetricValue(decimal.Parse(amount, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture), value.String("Unit"));
            }
        }

        return metrics;
    }
}

/// <summary>GetCostForecast: the expected cost of a future period.</summary>
internal sealed class GetCostForecastRequest : AwsRequest<GetCostForecastResponse>
{
    /// <summary>The period (Start no earlier than today).</summary>
    public required DateInterval TimePeriod { get; init; }

    /// <summary>Metric, e.g. UNBLENDED_COST.</summary>
    public string Metric { get; init; } = "UNBLENDED_COST";

    /// <summary>MONTHLY or DAILY.</summary>
    public string Granularity { get; init; } = "MONTHLY";

    internal override string Operation => "GetCostForecast";

    internal override void Write(IShapeWriter w)
    {
        w.Structure("TimePeriod", TimePeriod.Write);
        w.String("Metric", Metric);
        w.String("Granularity", Granularity);
    }
}

/// <summary>The answer to GetCostForecast.</summary>
internal sealed class GetCostForecastResponse : AwsResponse
{
    /// <summary>The forecast total.</summary>
    public MetricValue? Total { get; private set; }

    internal override void Read(ShapeNode result)
    {
        if (result.Child("Total") is { } total && total.String("Amount") is { } amount)
        {
            Total = new MetricValue(decimal.Parse(amount, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture), total.String("Unit"));
        }
    }
}

/// <summary>The Cost Explorer operations this product uses.</summary>
internal interface ICostExplorerClient : IAwsClient;

/// <summary>The Cost Explorer operations by name, each a typed <see cref="IAwsClient.SendAsync{TResponse}"/>.</summary>
internal static class CostExplorerOperations
{
    /// <summary>One page of GetCostAndUsage.</summary>
    public static Task<GetCostAndUsageResponse> GetCostAndUsageAsync(this ICostExplorerClient client, GetCostAndUsageRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);

    /// <summary>GetCostForecast.</summary>
    public static Task<GetCostForecastResponse> GetCostForecastAsync(this ICostExplorerClient client, GetCostForecastRequest request, CancellationToken cancellationToken = default)
        => client.SendAsync(request, cancellationToken);
}

/// <summary>Paging over <see cref="ICostExplorerClient"/>.</summary>
internal static class CostExplorerClientExtensions
{
    /// <summary>Every time bucket of GetCostAndUsage, following NextPageToken (each page is a $0.01 request).</summary>
    public static async Task<IReadOnlyList<ResultByTime>> GetAllCostAndUsageAsync(this ICostExplorerClient client, GetCostAndUsageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        var results = new List<ResultByTime>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var page = request;
        while (true)
        {
            var response = await client.GetCostAndUsageAsync(page, cancellationToken).ConfigureAwait(false);
            results.AddRange(response.ResultsByTime);
            if (string.IsNullOrEmpty(response.NextPageToken) || !seen.Add(response.NextPageToken))
            {
                // A token seen before would loop forever (and bill each loop): stop.
                return results;
            }

            page = new GetCostAndUsageRequest
            {
                TimePeriod = request.TimePeriod,
                Granularity = request.Granularity,
                Metrics = request.Metrics,
                GroupBy = request.GroupBy,
                NextPageToken = response.NextPageToken,
            };
        }
    }
}

/// <summary>Configuration of <see cref="CostExplorerClient"/>: endpoint ce.us-east-1.amazonaws.com, signed for us-east-1, whatever the client region.</summary>
internal sealed class CostExplorerClientConfig : AwsServiceConfig
{
    /// <summary>Creates the configuration (signing name <c>ce</c>).</summary>
    public CostExplorerClientConfig()
        : base("Cost Explorer", "ce", "ce", "2017-10-25")
    {
    }

    internal override string EndpointRegion(string region) => Pin(region);

    internal override string SigningRegion(string region) => Pin(region);

    // Cost Explorer has one endpoint per partition.
    private static string Pin(string region) => RegionEndpoint.GetBySystemName(region).PartitionName == "aws-cn" ? "cn-northwest-1" : "us-east-1";
}

/// <summary>Cost Explorer over AWS JSON 1.1 (target prefix AWSInsightsIndexService) on AWSSDK.Core's runtime.</summary>
internal sealed class CostExplorerClient : AwsServiceClient, ICostExplorerClient
{
    internal static readonly AwsJsonProtocol Protocol = new("CostExplorer", "AWSInsightsIndexService", "1.1");

    /// <summary>Creates a client with explicit credentials (null: the default chain).</summary>
    public CostExplorerClient(AWSCredentials? credentials, CostExplorerClientConfig config)
        : base(credentials, config, Protocol)
    {
    }
}
