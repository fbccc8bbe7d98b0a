namespace NbaSim.Observability.Cli.Input;

/// <summary>
/// Lines of a text file, each at most a given length (a CRLF's carriage return not counted): a file without line breaks
/// never becomes one huge string.
/// </summary>
internal static class BoundedLines
{
    public static IEnumerable<string> Read(TextReader reader, int maxChars, string source)
    {
        var line = new System.Text.StringBuilder();
        var buffer = new char[16 * 1024];
        long number = 1;
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (c == '\n')
                {
                    yield return line.ToString().TrimEnd('\r');
                    line.Clear();
                    number++;
                }
                else if (line.Length >= maxChars && !(c == '\r' && line.Length == maxChars))
                {
                    throw new CliInputException($"{source} line {number} is longer than {maxChars:N0} characters, the most an EMF document can be.");
                }
                else
                {
                    line.Append(c);
                }
            }
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}
