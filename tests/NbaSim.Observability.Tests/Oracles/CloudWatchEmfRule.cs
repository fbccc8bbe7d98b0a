using System.Text.Json;

namespace NbaSim.Observability.Tests.Oracles;

/// <summary>
/// What CloudWatch extracts from EMF documents, and nothing more (written from the EMF specification, not from our
/// serializer): a number is one sample; an array is one sample per element; an object is a statistic set whose
/// SampleCount is the sum of its <c>Counts</c> when it has <c>Values</c>, else its <c>Count</c>; documents with the same
/// metric, dimensions and timestamp are merged by adding counts and sums and taking the extremes.
/// </summary>
internal sealed class CloudWatchEmfRule
{
    private readonly List<(double Value, double Count)> _values = [];

    public double SampleCount { get; private set; }

    public double Sum { get; private set; }

    public double Minimum { get; private set; } = double.PositiveInfinity;

    public double Maximum { get; private set; } = double.NegativeInfinity;

    public int Documents { get; private set; }

    /// <summary>
    /// The metric CloudWatch extracts as <paramref name="metricName"/> in <paramref name="ns"/>. With
    /// <paramref name="dimensions"/>, only the metric with exactly those dimensions: each dimension set of a document's
    /// directive is its own metric, whose dimensions are the set's keys with the document's values for them (an empty set
    /// is the metric without dimensions). Without, each document with the metric counts once, whatever its dimension
    /// sets: the samples recorded under that name, across series.
    /// </summary>
    public static CloudWatchEmfRule Extract(IEnumerable<string> lines, string ns, string metricName, IReadOnlyDictionary<string, string>? dimensions = null)
    {
        var rule = new CloudWatchEmfRule();
        foreach (var line in lines.Where(l => l.Length > 0))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            foreach (var directive in root.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray())
            {
                if (directive.GetProperty("Namespace").GetString() != ns
                    || !directive.GetProperty("Metrics").EnumerateArray().Any(m => m.GetProperty("Name").GetString() == metricName))
                {
                    continue;
                }

                var sets = directive.GetProperty("Dimensions").EnumerateArray().ToList();
                var matches = dimensions is null ? 1 : sets.Count(set => SameDimensions(root, set, dimensions));
                for (var i = 0; i < matches; i++)
                {
                    rule.Documents++;
                    rule.Add(root.GetProperty(metricName));
                }
            }
        }

        return rule;
    }

    private static bool SameDimensions(JsonElement root, JsonElement set, IReadOnlyDictionary<string, string> wanted)
    {
        var keys = set.EnumerateArray().Select(k => k.GetString()!).ToList();
        return keys.Count == wanted.Count
            && keys.All(k => wanted.TryGetValue(k, out var value) && root.TryGetProperty(k, out var actual) && actual.GetString() == value);
    }

    /// <summary>Nearest-rank percentile over the values and counts CloudWatch received.</summary>
    public double Percentile(double p)
    {
        var sorted = _values.OrderBy(v => v.Value).ToList();
        var rank = Math.Ceiling(p / 100 * sorted.Sum(v => v.Count));
        double seen = 0;
        foreach (var (value, count) in sorted)
        {
            seen += count;
            if (seen >= rank)
            {
                return value;
            }
        }

        return double.NaN;
    }

    private void Add(JsonElement member)
    {
        switch (member.ValueKind)
        {
            case JsonValueKind.Number:
                Sample(member.GetDouble(), 1);
                break;
            case JsonValueKind.Array:
                foreach (var v in member.EnumerateArray())
                {
                    Sample(v.GetDouble(), 1);
                }

                break;
            case JsonValueKind.Object:
                var hasValues = member.TryGetProperty("Values", out var values);
                var counts = member.TryGetProperty("Counts", out var c) ? c.EnumerateArray().Select(e => e.GetDouble()).ToList() : null;
                if (hasValues)
                {
                    var list = values.EnumerateArray().Select(e => e.GetDouble()).ToList();
                    for (var i = 0; i < list.Count; i++)
                    {
                        _values.Add((list[i], counts?[i] ?? 1));
                    }

                    SampleCount += counts?.Sum() ?? list.Count;
                }
                else
                {
                    SampleCount += member.GetProperty("Count").GetDouble();
                }

                Sum += member.GetProperty(nameof(Sum)).GetDouble();
                Minimum = Math.Min(Minimum, member.GetProperty("Min").GetDouble());
                Maximum = Math.Max(Maximum, member.GetProperty("Max").GetDouble());
                break;
        }
    }

    private void Sample(double value, double count)
    {
        _values.Add((value, count));
        SampleCount += count;
        Sum += value * count;
        Minimum = Math.Min(Minimum, value);
        Maximum = Math.Max(Maximum, value);
    }
}
