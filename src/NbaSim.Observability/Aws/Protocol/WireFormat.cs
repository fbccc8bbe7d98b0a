using System.Globalization;

namespace NbaSim.Observability.Aws.Protocol;

/// <summary>How scalars are written on the wire, shared by every protocol.</summary>
internal static class WireFormat
{
    /// <summary>Shortest round-trip form: parses back to the same double.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Boolean(bool value) => value ? "true" : "false";

    /// <summary>ISO 8601 UTC with milliseconds, as the AWS SDKs send timestamps in awsQuery.</summary>
    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
