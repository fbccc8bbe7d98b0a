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
            .Select(c => (Name: c, Distance: string.Equals(c, expected, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(expected.ToUpperInvariant(), c.ToUpperInvariant(), allowed)))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Edits allowed: one for short names, two from 10 characters (so <c>Foo</c> and <c>Bar</c> are not "near").</summary>
    internal static int MaxDistance(string expected) => expected.Length < 5 ? 0 : expected.Length < 10 ? 1 : 2;

    /// <summary>Optimal string alignment distance (a transposition counts once), stopping early past <paramref name="limit"/>.</summary>
    internal static int Distance(string a, string b, int limit)
    {
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (rowMin > limit)
            {
                return limit + 1;
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return previous[b.Length];
    }
}
