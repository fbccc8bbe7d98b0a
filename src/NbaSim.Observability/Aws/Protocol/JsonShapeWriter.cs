using System.Text.Json;

namespace NbaSim.Observability.Aws.Protocol;

/// <summary>AWS JSON 1.0/1.1 serialization: members nest as JSON objects and arrays; timestamps are epoch seconds.</summary>
internal sealed class JsonShapeWriter(Utf8JsonWriter json) : IShapeWriter
{
    public static byte[] Serialize(Action<IShapeWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            write(new JsonShapeWriter(json));
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public void String(string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    public void Number(string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
    }

    public void Integer(string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
    }

    public void Boolean(string name, bool? value)
    {
        if (value is { } v)
        {
            json.WriteBoolean(name, v);
        }
    }

    public void Timestamp(string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v.ToUnixTimeMilliseconds() / 1000d);
        }
    }

    public void Structure(string name, Action<IShapeWriter>? write)
    {
        if (write is null)
        {
            return;
        }

        json.WriteStartObject(name);
        write(this);
        json.WriteEndObject();
    }

    public void List<T>(string name, IReadOnlyList<T>? items, Action<IShapeWriter, T> writeMember)
    {
        if (items is null)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var item in items)
        {
            json.WriteStartObject();
            writeMember(this, item);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    public void StringList(string name, IReadOnlyList<string>? items)
    {
        if (items is null)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var item in items)
        {
            json.WriteStringValue(item);
        }

        json.WriteEndArray();
    }

    public void NumberList(string name, IReadOnlyList<double>? items)
    {
        if (items is null)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var item in items)
        {
            json.WriteNumberValue(item);
        }

        json.WriteEndArray();
    }

    public void StringMap(string name, IReadOnlyDictionary<string, string>? entries)
    {
        if (entries is null)
        {
            return;
        }

        json.WriteStartObject(name);
        foreach (var (key, value) in entries)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }
}
