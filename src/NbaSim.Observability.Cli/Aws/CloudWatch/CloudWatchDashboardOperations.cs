using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Cli.Aws.CloudWatch;

/// <summary>PutDashboard: creates or replaces a dashboard.</summary>
internal sealed class PutDashboardRequest : AwsRequest<PutDashboardResponse>
{
    /// <summary>Name (up to 255 of A-Z a-z 0-9 - _).</summary>
    public required string DashboardName { get; init; }

    /// <summary>The dashboard body JSON.</summary>
    public required string DashboardBody { get; init; }

    internal override string Operation => "PutDashboard";

    internal override void Write(IShapeWriter w)
    {
        w.String("DashboardName", DashboardName);
        w.String("DashboardBody", DashboardBody);
    }
}

/// <summary>A validation message about a dashboard body.</summary>
internal sealed record DashboardValidationMessage(string? DataPath, string? Message);

/// <summary>The answer to PutDashboard.</summary>
internal sealed class PutDashboardResponse : AwsResponse
{
    /// <summary>Problems CloudWatch found in the body (the dashboard is still saved unless they are errors).</summary>
    public IReadOnlyList<DashboardValidationMessage> DashboardValidationMessages { get; private set; } = [];

    internal override void Read(ShapeNode result)
        => DashboardValidationMessages = result.List("DashboardValidationMessages").Select(m => new DashboardValidationMessage(m.String("DataPath"), m.String("Message"))).ToList();
}

/// <summary>GetDashboard.</summary>
internal sealed class GetDashboardRequest : AwsRequest<GetDashboardResponse>
{
    /// <summary>Name.</summary>
    public required string DashboardName { get; init; }

    internal override string Operation => "GetDashboard";

    internal override void Write(IShapeWriter w) => w.String("DashboardName", DashboardName);
}

/// <summary>The answer to GetDashboard.</summary>
internal sealed class GetDashboardResponse : AwsResponse
{
    /// <summary>ARN.</summary>
    public string? DashboardArn { get; private set; }

    /// <summary>Body JSON.</summary>
    public string? DashboardBody { get; private set; }

    /// <summary>Name.</summary>
    public string? DashboardName { get; private set; }

    internal override void Read(ShapeNode result)
    {
        DashboardArn = result.String("DashboardArn");
        DashboardBody = result.String("DashboardBody");
        DashboardName = result.String("DashboardName");
    }
}

/// <summary>ListDashboards.</summary>
internal sealed class ListDashboardsRequest : AwsRequest<ListDashboardsResponse>
{
    /// <summary>Name prefix filter.</summary>
    public string? DashboardNamePrefix { get; init; }

    /// <summary>Page token.</summary>
    public string? NextToken { get; init; }

    internal override string Operation => "ListDashboards";

    internal override void Write(IShapeWriter w)
    {
        w.String("DashboardNamePrefix", DashboardNamePrefix);
        w.String("NextToken", NextToken);
    }
}

/// <summary>A dashboard listed by ListDashboards.</summary>
internal sealed record DashboardEntry(string DashboardName, string? DashboardArn, DateTimeOffset? LastModified, long? Size);

/// <summary>The answer to ListDashboards.</summary>
internal sealed class ListDashboardsResponse : AwsResponse
{
    /// <summary>Dashboards.</summary>
    public IReadOnlyList<DashboardEntry> DashboardEntries { get; private set; } = [];

    /// <summary>Token of the next page, if any.</summary>
    public string? NextToken { get; private set; }

    internal override void Read(ShapeNode result)
    {
        NextToken = result.String("NextToken");
        DashboardEntries = result.List("DashboardEntries")
            .Select(e => new DashboardEntry(e.String("DashboardName") ?? string.Empty, e.String("DashboardArn"), e.Timestamp("LastModified"), e.Integer("Size")))
            .ToList();
    }
}

/// <summary>DeleteDashboards.</summary>
internal sealed class DeleteDashboardsRequest : AwsRequest<DeleteDashboardsResponse>
{
    /// <summary>Names to delete.</summary>
    public required IReadOnlyList<string> DashboardNames { get; init; }

    internal override string Operation => "DeleteDashboards";

    internal override void Write(IShapeWriter w) => w.StringList("DashboardNames", DashboardNames);
}

/// <summary>The (empty) answer to DeleteDashboards.</summary>
internal sealed class DeleteDashboardsResponse : AwsResponse;
