namespace NbaSim.Observability.Cli.Input;

/// <summary>
/// Bounds what an <see cref="System.Xml.XmlReader"/> must hold at once. The reader buffers a whole start tag (all its
/// attributes), comment or CDATA section, so one 200 MB attribute took 896 MB: this reader follows the markup character
/// by character, after decoding (UTF-8, or UTF-16/32 with a byte-order mark), so no multi-byte character can pass for a
/// delimiter. It throws an input error naming the line once one item is longer than the limit; text between elements
/// (a large <c>&lt;system-out&gt;</c>) is streamed by the XML reader and not limited here.
/// </summary>
internal sealed class XmlMarkupGuardReader(TextReader inner, long limit, string source) : TextReader
{
    private State _state = State.Text;
    private long _length;
    private long _line = 1;
    private long _itemLine = 1;
    private char _quote;
    private char _previous;
    private char _beforePrevious;

    private enum State
    {
        Text,
        Open,
        Bang,
        Tag,
        Quoted,
        Comment,
        CData,
        Instruction,
    }

    /// <summary>The line of the last <c>&lt;!DOCTYPE</c> seen, for the error that refuses it.</summary>
    public long? DoctypeLine { get; private set; }

    public override int Peek() => inner.Peek();

    public override int Read()
    {
        var c = inner.Read();
        if (c >= 0)
        {
            Scan((char)c);
        }

        return c;
    }

    public override int Read(char[] buffer, int index, int count) => Scan(buffer.AsSpan(index, inner.Read(buffer, index, count)));

    public override int Read(Span<char> buffer) => Scan(buffer[..inner.Read(buffer)]);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Scan(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            Scan(c);
        }

        return chars.Length;
    }

    private void Scan(char c)
    {
        if (c == '\n')
        {
            _line++;
        }

        if (_state == State.Text)
        {
            if (c == '<')
            {
                _state = State.Open;
                _length = 1;
                _itemLine = _line;
            }

            return;
        }

        if (++_length > limit)
        {
            throw new CliInputException($"{source}:{_itemLine}: a tag, comment or CDATA section is longer than {limit:N0} characters, the limit for one XML item.");
        }

        if (_state == State.Bang && c == 'D')
        {
            DoctypeLine = _itemLine;
        }

        _state = (_state, c) switch
        {
            (State.Open, '!') => State.Bang,
            (State.Open, '?') => State.Instruction,
            (State.Open, _) => Tag(c),
            (State.Bang, '-') => State.Comment,
            (State.Bang, '[') => State.CData,
            (State.Bang, _) => Tag(c),
            (State.Tag, _) => Tag(c),
            (State.Quoted, _) => c == _quote ? State.Tag : State.Quoted,
            // "<!---->" is the shortest comment: "<!-->" does not end one.
            (State.Comment, '>') when _previous == '-' && _beforePrevious == '-' && _length >= 7 => State.Text,
            (State.CData, '>') when _previous == ']' && _beforePrevious == ']' => State.Text,
            (State.Instruction, '>') when _previous == '?' => State.Text,
            _ => _state,
        };
        _beforePrevious = _previous;
        _previous = c;
    }

    private State Tag(char c)
    {
        switch (c)
        {
            case '"' or '\'':
                _quote = c;
                return State.Quoted;
            case '>':
                return State.Text;
            default:
                return State.Tag;
        }
    }
}
