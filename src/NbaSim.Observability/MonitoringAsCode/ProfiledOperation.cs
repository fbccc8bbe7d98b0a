using System.Text;

namespace NbaSim.Observability.MonitoringAsCode;

/// <summary>
/// One <c>[ProfilePerformance]</c> operation as the dashboards and alarms query it. Written in configuration
/// (<c>Monitoring:ProfiledOperations</c>) as <c>Name</c>, <c>Name[Dim=Value,Dim=Value]</c> for an attribute with
/// <c>Dimensions</c>, and <c>…@Namespace</c> for one with its own <c>Namespace</c>: e.g.
/// <c>GameSimulation[Engine=v2]</c>. A backslash escapes <c>[ ] , = @ \</c> and a space at either end of a part, so
/// every name and value the weaver accepts round-trips. <c>nbaobs --assembly app.dll</c> writes the same form.
/// </summary>
internal sealed record ProfiledOperation(string Namespace, string Name, IReadOnlyList<MetricDimension> Dimensions)
{
    private const string Special = "[],=@\\";

    /// <summary>The metric the woven method publishes.</summary>
    public string MetricName => Name + "Duration";

    /// <summary>
    /// Name, then each dimension's name and value, then a namespace other than the default: unique per operation, for
    /// alarm names (<c>GameSimulation-Engine-v2</c>).
    /// </summary>
    public string Key
        => string.Join('-', [Name, .. Dimensions.SelectMany(d => new[] { d.Name, d.Value }), .. Namespace == ProfilePerformanceAttribute.DefaultNamespace ? Array.Empty<string>() : [Namespace.Replace('/', '-')]]);

    /// <summary>Name plus dimensions, for labels: <c>GameSimulation (Engine=v2)</c>.</summary>
    public string Label => Dimensions.Count == 0 ? Name : $"{Name} ({string.Join(", ", Dimensions.Select(d => $"{d.Name}={d.Value}"))})";

    /// <summary>The configuration form (round-trips through <see cref="Parse"/>).</summary>
    public override string ToString()
        => Escape(Name) + (Dimensions.Count == 0 ? string.Empty : $"[{string.Join(',', Dimensions.Select(d => $"{Escape(d.Name)}={Escape(d.Value)}"))}]")
            + (Namespace == ProfilePerformanceAttribute.DefaultNamespace ? string.Empty : "@" + Escape(Namespace));

    /// <summary>Reads the configuration form.</summary>
    /// <exception cref="FormatException">The text is not <c>Name[Dim=Value,…]@Namespace</c>.</exception>
    public static ProfiledOperation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = new Part();
        var ns = new Part();
        var dimensions = new List<MetricDimension>();
        var dimensionName = new Part();
        var dimensionValue = new Part();
        var state = 0; // 0 name, 1 dimension name, 2 dimension value, 3 after ']', 4 namespace
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var escaped = false;
            if (c == '\\')
            {
                if (++i == text.Length)
                {
                    throw Bad(text);
                }

                c = text[i];
                escaped = true;
            }

            switch (state)
            {
                case 0 when !escaped && c == '[':
                    state = 1;
                    break;
                case 0 or 3 when !escaped && c == '@':
                    state = 4;
                    break;
                case 0:
                    name.Add(c, escaped);
                    break;
                case 1 when !escaped && c == '=':
                    state = 2;
                    break;
                case 1 when !escaped && c is ',' or ']' or '[' or '@':
                    throw Bad(text);
                case 1:
                    dimensionName.Add(c, escaped);
                    break;
                case 2 when !escaped && c is ',' or ']':
                    if (dimensionName.Text.Length == 0 || dimensionValue.Text.Length == 0)
                    {
                        throw Bad(text);
                    }

                    dimensions.Add(new MetricDimension(dimensionName.Text, dimensionValue.Text));
                    (dimensionName, dimensionValue) = (new Part(), new Part());
                    state = c == ']' ? 3 : 1;
                    break;
                case 2 when !escaped && c is '[' or '=' or '@':
                    throw Bad(text);
                case 2:
                    dimensionValue.Add(c, escaped);
                    break;
                case 3 when char.IsWhiteSpace(c) && !escaped:
                    break;
                case 3:
                    throw Bad(text);
                case 4:
                    ns.Add(c, escaped);
                    break;
            }
        }

        if (state is 1 or 2 || name.Text.Length == 0 || (state == 4 && ns.Text.Length == 0))
        {
            throw Bad(text);
        }

        return new ProfiledOperation(state == 4 ? ns.Text : ProfilePerformanceAttribute.DefaultNamespace, name.Text, dimensions);
    }

    private static string Escape(string part)
    {
        var text = new StringBuilder(part.Length);
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            if (Special.Contains(c, StringComparison.Ordinal) || (char.IsWhiteSpace(c) && (i == 0 || i == part.Length - 1)))
            {
                text.Append('\\');
            }

            text.Append(c);
        }

        return text.ToString();
    }

    private static FormatException Bad(string text)
        => new($"NbaObservability:Monitoring:ProfiledOperations has '{text}'; expected Name, Name[Dimension=Value,…] or either followed by @Namespace, e.g. GameSimulation[Engine=v2] (a backslash escapes [ ] , = @ \\).");

    /// <summary>Characters of one part; unescaped white space at either end is not part of it (<c>a, b</c> reads as a and b).</summary>
    private sealed class Part
    {
        private readonly StringBuilder _text = new();
        private int _keepThrough; // length up to the last escaped or non-space character

        public string Text => _text.ToString(0, _keepThrough);

        public void Add(char c, bool escaped)
        {
            if (_keepThrough == 0 && !escaped && char.IsWhiteSpace(c))
            {
                return; // leading space
            }

            _text.Append(c);
            if (escaped || !char.IsWhiteSpace(c))
            {
                _keepThrough = _text.Length;
            }
        }
    }
}
