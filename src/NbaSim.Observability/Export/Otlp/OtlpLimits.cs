namespace NbaSim.Observability.Export.Otlp;

/// <summary>
/// CloudWatch's documented limits of the OTLP metrics endpoint ("OTLP Endpoints"), checked before sending so that a
/// request is never refused whole for a limit we could see coming.
/// </summary>
internal static class OtlpLimits
{
    /// <summary>Data points per request, summed over resources, scopes and metrics (400 above).</summary>
    public const int MaxPointsPerRequest = 1000;

    /// <summary>Uncompressed bytes per request (400 above).</summary>
    public const int MaxRequestBytes = 1_000_000;

    /// <summary>Labels per point: resource, scope and point attributes together.</summary>
    public const int MaxLabelsPerPoint = 150;

    /// <summary>UTF-8 bytes of label names and values per point.</summary>
    public const int MaxLabelBytesPerPoint = 40 * 1024;

    /// <summary>
    /// Why a dimension name cannot be a point label on this path, or null when it can. <c>__</c> starts PromQL's own
    /// labels (<c>__name__</c> is the metric's name; CloudWatch adds <c>__temporality__</c>), and <c>@</c> starts the
    /// labels CloudWatch adds for the resource, the scope and AWS (<c>@resource.*</c>, <c>@instrumentation.*</c>,
    /// <c>@aws.*</c>): such a point label would clash with the selectors the dashboards and alarms use.
    /// </summary>
    public static string? ReservedLabel(string name)
        => name.StartsWith("__", StringComparison.Ordinal) ? $"its dimension '{name}' starts with '__', which PromQL reserves for its own labels (__name__ is the metric's name); rename the dimension"
            : name.StartsWith('@') ? $"its dimension '{name}' starts with '@', which CloudWatch reserves for the labels it adds (@resource.*, @instrumentation.*, @aws.*); rename the dimension"
            : null;

    /// <summary>Oldest timestamp accepted.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(14);

    /// <summary>Furthest into the future a timestamp may be.</summary>
    public static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(10);
}
