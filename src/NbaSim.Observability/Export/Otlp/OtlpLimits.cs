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

    /// <summary>Oldest timestamp accepted.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(14);

    /// <summary>Furthest into the future a timestamp may be.</summary>
    public static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(10);
}
