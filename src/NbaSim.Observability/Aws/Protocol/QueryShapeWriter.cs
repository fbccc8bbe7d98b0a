using System.Text;

namespace NbaSim.Observability.Aws.Protocol;

/// <summary>awsQuery serialization: members become form parameters, lists are <c>Name.member.N</c>, maps <c>Name.entry.N.key/value</c>.</summary>
internal sealed class QueryShapeWriter : IShapeWriter
{
    private readonly List<KeyValuePair<string, string>> _parameters;
    private readonly string _prefix;

    public QueryShapeWriter()
        : this([], string.Empty)
    {
    }

    private QueryShapeWriter(List<KeyValuePair<string, string>> parameters, string prefix)
    {
        _parameters = parameters;
        _prefix = prefix;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Parameters => _parameters;

    public void String(string name, string? value)
    {
        if (value is not null)
        {
            Add(name, value);
        }
    }

    public void Number(string name, double? value)
    {
        if (value is { } v)
        {
            Add(name, WireFormat.Number(v));
        }
    }

    public void Integer(string name, long? value)
    {
        if (value is { } v)
        {
            Add(name, WireFormat.Integer(v));
        }
    }

    public void Boolean(string name, bool? value)
    {
        if (value is { } v)
        {
            Add(name, WireFormat.Boolean(v));
        }
    }

    public void Timestamp(string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            Add(name, WireFormat.Timestamp(v));
        }
    }

    public void Structure(string name, Action<IShapeWriter>? write) => write?.Invoke(Nested(name));

    public void List<T>(string name, IReadOnlyList<T>? items, Action<IShapeWriter, T> writeMember)
    {
        if (items is null)
        {
            return;
        }

        if (items.Count == 0)
        {
            Add(name, string.Empty); // an empty list, as botocore writes it ("AlarmNames=")
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            writeMember(Nested($"{name}.member.{i + 1}"), items[i]);
        }
    }

    public void StringList(string name, IReadOnlyList<string>? items)
    {
        if (items is null)
        {
            return;
        }

        if (items.Count == 0)
        {
            Add(name, string.Empty);
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            Add($"{name}.member.{i + 1}", items[i]);
        }
    }

    public void NumberList(string name, IReadOnlyList<double>? items)
    {
        if (items is null)
        {
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            Add($"{name}.member.{i + 1}", WireFormat.Number(items[i]));
        }
    }

    public void StringMap(string name, IReadOnlyDictionary<string, string>? entries)
    {
        if (entries is null)
        {
            return;
        }

        var i = 1;
        foreach (var (key, value) in entries)
        {
            Add($"{name}.entry.{i}.key", key);
            Add($"{name}.entry.{i}.value", value);
            i++;
        }
    }

    /// <summary>The form body: <c>Action=…&amp;Version=…&amp;…</c>, values percent-encoded per RFC 3986.</summary>
    public static string FormBody(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var body = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            if (body.Length > 0)
            {
                body.Append('&');
            }

            body.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return body.ToString();
    }

    private QueryShapeWriter Nested(string name) => new(_parameters, _prefix + name + ".");

    private void Add(string name, string value) => _parameters.Add(new(_prefix + name, value));
}
