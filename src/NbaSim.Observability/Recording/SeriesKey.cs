using System.Text;

namespace NbaSim.Observability.Recording;

/// <summary>The identity of a series as one string: resolution, namespace, name and dimensions in name order.</summary>
internal static class SeriesKey
{
    public static string Build(string ns, string metricName, bool highResolution, ReadOnlySpan<MetricDimension> dimensions)
    {
        // Separators are control characters, which valid names and values cannot contain, so keys cannot collide.
        var builder = new StringBuilder(ns.Length + metricName.Length + 8 + (dimensions.Length * 24));
        builder.Append(highResolution ? '1' : '6').Append('\u001F').Append(ns).Append('\u001F').Append(metricName);
        if (dimensions.Length > 0)
        {
            Span<int> order = dimensions.Length <= 32 ? stackalloc int[dimensions.Length] : new int[dimensions.Length];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            // Dimension order does not change a CloudWatch metric's identity.
            for (var i = 1; i < order.Length; i++)
            {
                var current = order[i];
                var j = i - 1;
                while (j >= 0 && string.CompareOrdinal(dimensions[order[j]].Name, dimensions[current].Name) > 0)
                {
                    order[j + 1] = order[j];
                    j--;
                }

                order[j + 1] = current;
            }

            foreach (var index in order)
            {
                builder.Append('\u001E').Append(dimensions[index].Name).Append('\u001D').Append(dimensions[index].Value);
            }
        }

        return builder.ToString();
    }
}
