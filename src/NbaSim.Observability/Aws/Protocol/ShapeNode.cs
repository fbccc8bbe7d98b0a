using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;

namespace NbaSim.Observability.Aws.Protocol;

/// <summary>
/// Reads a response's members without knowing the wire format: over an awsQuery XML element (lists are
/// <c>&lt;Name&gt;&lt;member&gt;…</c>) or a JSON element (lists are arrays). Missing members read as null or empty.
/// </summary>
internal abstract class ShapeNode
{
    public abstract string? String(string name);

    public abstract ShapeNode? Child(string name);

    public abstract IEnumerable<ShapeNode> List(string name);

    /// <summary>A map: awsQuery <c>&lt;entry&gt;&lt;key/&gt;&lt;value/&gt;</c> elements, or a JSON object of strings.</summary>
    public abstract IReadOnlyDictionary<string, string> StringMap(string name);

    /// <summary>The node's own text (for lists of scalars).</summary>
    public abstract string? Text { get; }

    public double? Number(string name)
        => String(name) is { } s ? double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture) : null;

    public long? Integer(string name)
        => String(name) is { } s ? long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    public bool? Boolean(string name)
        => String(name) is { } s ? string.Equals(s, "true", StringComparison.OrdinalIgnoreCase) : null;

    public DateTimeOffset? Timestamp(string name) => ParseTimestamp(String(name));

    /// <summary>The node's own text as a timestamp (for lists of timestamps).</summary>
    public DateTimeOffset? TimestampText => ParseTimestamp(Text);

    /// <summary>Epoch seconds (JSON protocols) or ISO 8601 (awsQuery).</summary>
    private static DateTimeOffset? ParseTimestamp(string? s)
    {
        if (s is null)
        {
            return null;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(epoch * 1000))
            : DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    public IReadOnlyList<string> StringList(string name) => List(name).Select(n => n.Text ?? string.Empty).ToList();

    public IReadOnlyList<double> NumberList(string name)
        => List(name).Select(n => double.Parse(n.Text ?? "0", NumberStyles.Float, CultureInfo.InvariantCulture)).ToList();

    public static ShapeNode Of(XElement element) => new XmlNode(element);

    public static ShapeNode Of(JsonElement element) => new JsonNode(element);

    private sealed class XmlNode(XElement element) : ShapeNode
    {
        public override string? Text => element.Value;

        public override string? String(string name) => Find(name)?.Value;

        public override ShapeNode? Child(string name) => Find(name) is { } e ? new XmlNode(e) : null;

        public override IEnumerable<ShapeNode> List(string name)
            => Find(name)?.Elements().Where(e => e.Name.LocalName == "member").Select(e => (ShapeNode)new XmlNode(e)) ?? [];

        public override IReadOnlyDictionary<string, string> StringMap(string name)
            => (Find(name)?.Elements().Where(e => e.Name.LocalName == "entry") ?? [])
                .ToDictionary(
                    e => e.Elements().FirstOrDefault(c => c.Name.LocalName == "key")?.Value ?? string.Empty,
                    e => e.Elements().FirstOrDefault(c => c.Name.LocalName == "value")?.Value ?? string.Empty,
                    StringComparer.Ordinal);

        private XElement? Find(string name) => element.Elements().FirstOrDefault(e => e.Name.LocalName == name);
    }

    private sealed class JsonNode(JsonElement element) : ShapeNode
    {
        public override string? Text => element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };

        public override string? String(string name) => Find(name) is { } e ? new JsonNode(e).Text : null;

        public override ShapeNode? Child(string name) => Find(name) is { ValueKind: JsonValueKind.Object } e ? new JsonNode(e) : null;

        public override IEnumerable<ShapeNode> List(string name)
            => Find(name) is { ValueKind: JsonValueKind.Array } e ? e.EnumerateArray().Select(x => (ShapeNode)new JsonNode(x)).ToList() : [];

        public override IReadOnlyDictionary<string, string> StringMap(string name)
            => Find(name) is { ValueKind: JsonValueKind.Object } e
                ? e.EnumerateObject().ToDictionary(p => p.Name, p => new JsonNode(p.Value).Text ?? string.Empty, StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal);

        private JsonElement? Find(string name)
            => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }
}
