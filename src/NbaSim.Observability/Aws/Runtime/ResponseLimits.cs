using System.Xml;

namespace NbaSim.Observability.Aws.Runtime;

/// <summary>
/// What an AWS endpoint (or anything answering in its place) may send back. An error body is read up to 64 KB and the
/// rest left unread; a success body up to 64 MB (GetMetricData's largest page is a few MB); XML and JSON nest at most 64
/// deep. Past a limit the call fails with a message that names it, in bounded memory and time.
/// </summary>
internal static class ResponseLimits
{
    /// <summary>Most bytes of an error body read; AWS's error documents are well under 1 KB.</summary>
    public const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>Most bytes of a success body read.</summary>
    public const int MaxResponseBodyBytes = 64 * 1024 * 1024;

    /// <summary>Deepest XML or JSON nesting accepted (AWS's responses nest fewer than 10 levels).</summary>
    public const int MaxDepth = 64;

    /// <summary>Reads an error body: at most <see cref="MaxErrorBodyBytes"/>, the rest is never read.</summary>
    public static byte[] ReadErrorBody(Stream stream) => Read(stream, MaxErrorBodyBytes, out _);

    /// <summary>Reads a success body, or throws when it is larger than <see cref="MaxResponseBodyBytes"/>.</summary>
    public static byte[] ReadResponseBody(Stream stream)
    {
        var body = Read(stream, MaxResponseBodyBytes, out var truncated);
        return truncated
            ? throw new InvalidDataException($"The response body is larger than {MaxResponseBodyBytes / (1024 * 1024)} MB, the most an AWS response of this client can be; it was not read further.")
            : body;
    }

    /// <summary>XML reader settings: no DTD, no resolver, and the document's size bounded by the body's.</summary>
    public static XmlReaderSettings XmlSettings { get; } = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxResponseBodyBytes };

    /// <summary>Throws when the XML in <paramref name="body"/> nests deeper than <see cref="MaxDepth"/> (checked before a tree is built).</summary>
    public static void CheckXmlDepth(byte[] body)
    {
        using var reader = XmlReader.Create(new MemoryStream(body, writable: false), XmlSettings);
        while (reader.Read())
        {
            if (reader.Depth > MaxDepth)
            {
                throw new XmlException($"The response's XML nests deeper than {MaxDepth} levels; no AWS response does.");
            }
        }
    }

    private static byte[] Read(Stream stream, int limit, out bool truncated)
    {
        var buffer = new byte[Math.Min(limit + 1, 16 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > limit)
                {
                    truncated = true;
                    return buffer.AsSpan(0, limit).ToArray();
                }

                Array.Resize(ref buffer, Math.Min(limit + 1, buffer.Length * 2));
            }

            var read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                truncated = false;
                return buffer.AsSpan(0, length).ToArray();
            }

            length += read;
        }
    }
}
