using System.Text;

namespace NbaSim.Observability.Internal;

/// <summary>
/// What may be shown of text that came from outside: an endpoint URL without its user info (a key or password written
/// into it), and a server's message without control characters (ANSI escapes, line breaks) and capped in length.
/// </summary>
internal static class Redact
{
    /// <summary>Most characters of a server's message shown in a log line or an error.</summary>
    public const int MaxServerTextLength = 512;

    /// <summary><paramref name="url"/> with any <c>user:password@</c> replaced by <c>***@</c>; other text unchanged.</summary>
    public static string Url(string url)
    {
        // As .NET reads it first: it also takes user info from forms like "http:\\\\user:pw@host".
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
        {
            return new UriBuilder(uri) { UserName = "***", Password = string.Empty }.Uri.ToString();
        }

        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return url;
        }

        var authorityStart = scheme + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        var authority = authorityEnd < 0 ? url[authorityStart..] : url[authorityStart..authorityEnd];
        var at = authority.LastIndexOf('@');
        return at < 0 ? url : string.Concat(url.AsSpan(0, authorityStart), "***", url.AsSpan(authorityStart + at));
    }

    /// <summary>A server's text for one log line: control characters replaced by '?', at most <see cref="MaxServerTextLength"/> characters.</summary>
    public static string? ServerText(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var length = Math.Min(text.Length, MaxServerTextLength);
        var builder = new StringBuilder(length + 24);
        foreach (var c in text.AsSpan(0, length))
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return text.Length > length ? builder.Append("… (").Append(text.Length - length).Append(" more characters)").ToString() : builder.ToString();
    }
}
