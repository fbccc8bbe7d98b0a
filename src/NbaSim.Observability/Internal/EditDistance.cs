namespace NbaSim.Observability.Internal;

/// <summary>How far apart two names are, for "did you mean" hints: the configuration check and <c>nbaobs doctor</c>.</summary>
internal static class EditDistance
{
    /// <summary>
    /// Levenshtein distance; with <paramref name="transpositions"/>, the optimal string alignment distance (two swapped
    /// neighbours count as one edit). Once every alignment costs more than <paramref name="limit"/> it stops and returns
    /// <paramref name="limit"/> + 1, so comparing against many candidates stays cheap.
    /// </summary>
    public static int Between(string a, string b, bool transpositions = false, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var beforePrevious = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var value = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, beforePrevious[j - 2] + 1);
                }

                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (rowMin > limit)
            {
                return limit + 1;
            }

            (beforePrevious, previous, current) = (previous, current, beforePrevious);
        }

        return previous[b.Length];
    }
}
