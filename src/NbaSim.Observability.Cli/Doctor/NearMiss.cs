namespace NbaSim.Observability.Cli.Doctor;

/// <summary>
/// Names that are almost the expected one: the same but for case (CloudWatch names are case-sensitive), or within a
/// small edit distance (a typo such as <c>NBA-Simulator/ADEC</c>).
/// </summary>
internal static class NearMiss
{
    /// <summary>Longest name compared; CloudWatch namespaces and metric names are at most 255 characters.</summary>
    public const int MaxLength = 255;

    /// <summary>The candidates that nearly match <paramref name="expected"/>, closest first; never <paramref name="expected"/> itself.</summary>
    public static IReadOnlyList<string> Find(string expected, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(candidates);
        var allowed = MaxDistance(expected);
        return candidates
            .Where(c => !string.Equals(c, expected, StringComparison.Ordinal) && c.Length <= MaxLength && Math.Abs(c.Length - expected.Length) <= allowed)
            .Select(c => (Name: c, Distance: string.Equals(c, expected, StringComparison.OrdinalIgnoreCase) ? 0 : NbaSim.Observability.Internal.EditDistance.Between(expected.ToUpperInvariant(), c.ToUpperInvariant(), transpositions: true, limit: allowed)))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Edits allowed: one for short names, two from 10 characters (so <c>Foo</c> and <c>Bar</c> are not "near").</summary>
    internal static int MaxDistance(string expected) => expected.Length < 5 ? 0 : expected.Length < 10 ? 1 : 2;
}
