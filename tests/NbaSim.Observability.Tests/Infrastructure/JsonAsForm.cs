using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>
/// Lets the loopback server speak CloudWatch's JSON 1.0 as well as awsQuery: a JSON request is flattened into the
/// awsQuery parameter names (<c>MetricData.member.1.MetricName</c>), so a test reads either protocol the same way, and
/// an awsQuery-style answer is turned into what CloudWatch returns to a JSON client (the result's members as JSON; an
/// error as <c>__type</c>/<c>message</c> plus the <c>x-amzn-query-error: Code;Type</c> header).
/// </summary>
internal static class JsonAsForm
{
    public static Dictionary<string, string> Flatten(string json)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json.Length == 0 ? "{}" : json);
        Walk(document.RootElement, string.Empty, form);
        return form;
    }

    public static (string Json, string? QueryError) FromQueryResponse(string xml)
    {
        var root = XElement.Parse(xml);
        if (root.Name.LocalName == "ErrorResponse")
        {
            var error = root.Elements().First(e => e.Name.LocalName == "Error");
            string? Child(string name) => error.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            var code = Child("Code") ?? "InternalFailure";
            var body = new JsonObject { ["__type"] = "com.amazonaws.cloudwatch#" + code, ["message"] = Child("Message") };
            return (body.ToJsonString(), $"{code};{Child("Type") ?? "Sender"}");
        }

        var result = root.Elements().FirstOrDefault(e => e.Name.LocalName.EndsWith("Result", StringComparison.Ordinal));
        return (result is null ? "{}" : (ToJson(result) as JsonObject ?? []).ToJsonString(), null);
    }

    private static JsonNode? ToJson(XElement element)
    {
        var children = element.Elements().ToList();
        if (children.Count == 0)
        {
            return JsonValue.Create(element.Value);
        }

        if (children.All(c => c.Name.LocalName == "member"))
        {
            return new JsonArray(children.Select(ToJson).ToArray());
        }

        var obj = new JsonObject();
        foreach (var child in children)
        {
            obj[child.Name.LocalName] = ToJson(child);
        }

        return obj;
    }

    private static void Walk(JsonElement element, string prefix, Dictionary<string, string> form)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, prefix + property.Name + ".", form);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{prefix}member.{++i}.", form);
                }

                break;
            case JsonValueKind.Number when prefix.EndsWith("Timestamp.", StringComparison.Ordinal) || prefix.EndsWith("Time.", StringComparison.Ordinal):
                form[prefix.TrimEnd('.')] = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(element.GetDouble() * 1000)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                break;
            default:
                form[prefix.TrimEnd('.')] = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
                break;
        }
    }
}
