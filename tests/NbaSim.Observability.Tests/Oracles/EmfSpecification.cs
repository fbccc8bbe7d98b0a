using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace NbaSim.Observability.Tests.Oracles;

/// <summary>
/// Whether a line is a valid EMF document, judged from AWS's published specification only (written from the page, not
/// from our serializer): the schema the page publishes (vendored in <c>EmfSchema/</c>, evaluated by JsonSchema.Net) and
/// the limits the page states in prose. The object form of a metric value (<c>{"Values","Counts","Max","Min","Count","Sum"}</c>)
/// is not in the specification; it is accepted only when <c>allowObjectForm</c>, and then checked as AWS's
/// <c>awsemfexporter</c> writes it: counts positive and adding up to <c>Count</c>, every value within <c>[Min, Max]</c>.
/// </summary>
internal static class EmfSpecification
{
    /// <summary>"1 MB": read as the larger 1,048,576 bytes, so that only a document no reading allows fails.</summary>
    public const int MaxDocumentBytes = 1_048_576;

    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        // The published schema is draft-06/07 style: its "$id"s are JSON-pointer fragments that name, never resolve, and
        // that later drafts (JsonSchema.Net's default) refuse. No "$ref" uses them, so they are removed and nothing else is.
        var published = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Oracles", "EmfSchema", "emf-schema.json")))!;
        RemoveIds(published);
        return JsonSchema.FromText(published.ToJsonString());
    });

    private static readonly HashSet<string> StatisticMembers = ["Values", "Counts", "Max", "Min", "Count", "Sum"];

    /// <summary>Every problem of <paramref name="line"/> (empty when it is valid).</summary>
    public static List<string> Problems(string line, bool allowObjectForm = true)
    {
        var problems = new List<string>();
        var bytes = Encoding.UTF8.GetByteCount(line);
        if (bytes > MaxDocumentBytes)
        {
            problems.Add($"the document is {bytes:N0} bytes; EMF allows 1 MB");
        }

        if (DuplicateKey(line) is { } duplicate)
        {
            // JsonNode refuses such a document, and CloudWatch cannot know which value was meant.
            problems.Add($"the member '{Shorten(duplicate)}' appears twice in one object");
            return problems;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (JsonException ex)
        {
            problems.Add("not JSON: " + ex.Message);
            return problems;
        }

        using var element = JsonDocument.Parse(line);
        if (!Schema.Value.Evaluate(element.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid)
        {
            var evaluation = Schema.Value.Evaluate(element.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            problems.AddRange((evaluation.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"schema: {d.InstanceLocation}: {e.Value}")).DefaultIfEmpty("schema: invalid"));
            return problems;
        }

        var root = node!.AsObject();
        foreach (var directive in root["_aws"]!["CloudWatchMetrics"]!.AsArray())
        {
            var metrics = directive!["Metrics"]!.AsArray();
            if (metrics.Count > 100)
            {
                problems.Add($"a directive has {metrics.Count} metrics; EMF allows 100");
            }

            foreach (var set in directive["Dimensions"]!.AsArray())
            {
                foreach (var key in set!.AsArray().Select(k => k!.GetValue<string>()))
                {
                    if (!root.TryGetPropertyValue(key, out var value) || value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
                    {
                        problems.Add($"dimension '{Shorten(key)}' is not a string member of the root");
                    }
                    else if (v.GetValue<string>().Length is 0 or > 1024)
                    {
                        problems.Add($"dimension '{Shorten(key)}' has a value of {v.GetValue<string>().Length} characters; EMF allows 1 to 1024");
                    }
                }
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var metric in metrics)
            {
                var name = metric!["Name"]!.GetValue<string>();
                if (!names.Add(name))
                {
                    problems.Add($"metric '{Shorten(name)}' is defined twice in one directive");
                }

                if (metric["StorageResolution"] is { } resolution && resolution.GetValue<int>() is not (1 or 60))
                {
                    problems.Add($"metric '{Shorten(name)}' has StorageResolution {resolution}; EMF allows 1 or 60");
                }

                if (!root.TryGetPropertyValue(name, out var value) || value is null)
                {
                    problems.Add($"metric '{Shorten(name)}' is not a member of the root");
                    continue;
                }

                MetricValue(name, value, allowObjectForm, problems);
            }
        }

        return problems;
    }

    private static void MetricValue(string name, JsonNode value, bool allowObjectForm, List<string> problems)
    {
        switch (value)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                return;
            case JsonArray a:
                if (a.Count is 0 or > 100 || a.Any(x => x is not JsonValue xv || xv.GetValueKind() != JsonValueKind.Number))
                {
                    problems.Add($"metric '{Shorten(name)}' is an array of {a.Count} entries; EMF requires 1 to 100 numbers");
                }

                return;
            case JsonObject o when allowObjectForm:
                if (o.Select(p => p.Key).FirstOrDefault(k => !StatisticMembers.Contains(k)) is { } extra)
                {
                    problems.Add($"metric '{Shorten(name)}' has the member '{extra}'");
                }

                var (max, min, count, sum) = (Number(o, "Max"), Number(o, "Min"), Number(o, "Count"), Number(o, "Sum"));
                if (max is null || min is null || count is null || sum is null)
                {
                    problems.Add($"metric '{Shorten(name)}' lacks one of Max, Min, Count, Sum");
                    return;
                }

                if (count <= 0 || min > max)
                {
                    problems.Add($"metric '{Shorten(name)}' has Count {count}, Min {min}, Max {max}");
                }

                if (o["Values"] is JsonArray values)
                {
                    var counts = o["Counts"] as JsonArray;
                    if (counts is null || counts.Count != values.Count || values.Count is 0 or > 100)
                    {
                        problems.Add($"metric '{Shorten(name)}' has {values.Count} values and {counts?.Count} counts; EMF requires 1 to 100 of each, as many");
                        return;
                    }

                    var vs = values.Select(x => x!.GetValue<double>()).ToList();
                    var cs = counts.Select(x => x!.GetValue<double>()).ToList();
                    if (cs.Any(c => c <= 0))
                    {
                        problems.Add($"metric '{Shorten(name)}' has a count of 0 or less");
                    }

                    if (Math.Abs(cs.Sum() - count.Value) > 1e-9 * Math.Max(1, count.Value))
                    {
                        problems.Add($"metric '{Shorten(name)}' has Counts adding up to {cs.Sum()} but Count {count}");
                    }

                    if (vs.Any(x => x < min || x > max))
                    {
                        problems.Add($"metric '{Shorten(name)}' has values outside its own [Min {min}, Max {max}]");
                    }
                }

                return;
            default:
                problems.Add($"metric '{Shorten(name)}' is {value.GetValueKind()}; the specification requires a number or an array of numbers");
                return;
        }
    }

    private static double? Number(JsonObject o, string member)
        => o[member] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    /// <summary>The first member name that occurs twice in one object, anywhere in the document.</summary>
    private static string? DuplicateKey(string line)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(line));
        var scopes = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        scopes.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.StartArray:
                        scopes.Push(null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        break;
                    case JsonTokenType.PropertyName when !scopes.Peek()!.Add(reader.GetString()!):
                        return reader.GetString();
                }
            }
        }
        catch (JsonException)
        {
            return null; // reported as "not JSON"
        }

        return null;
    }

    private static void RemoveIds(JsonNode node)
    {
        if (node is JsonObject o)
        {
            o.Remove("$id");
            foreach (var child in o.Select(p => p.Value).OfType<JsonNode>().ToList())
            {
                RemoveIds(child);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a.OfType<JsonNode>())
            {
                RemoveIds(child);
            }
        }
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
