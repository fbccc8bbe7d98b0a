using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability;

/// <summary>A date range: Start inclusive, End exclusive (YYYY-MM-DD); Cost Explorer requires Start &lt; End.</summary>
public sealed record DateInterval(DateOnly Start, DateOnly End)
{
    internal void Write(IShapeWriter w)
    {
        w.String("Start", Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        w.String("End", End.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    internal static DateInterval Read(ShapeNode n)
        => new(DateOnly.Parse(n.String("Start") ?? "0001-01-01", System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(n.String("End") ?? "0001-01-01", System.Globalization.CultureInfo.InvariantCulture));
}
