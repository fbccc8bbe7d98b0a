namespace NbaSim.Observability.Cli.Input;

/// <summary>
/// Bounds what an <see cref="System.Xml.XmlReader"/> must hold at once. The reader buffers a whole start tag (all its
/// attributes), comment or CDATA section, so one 200 MB attribute took 896 MB: this stream follows the markup byte by byte
/// (quotes inside tags, <c>--&gt;</c>, <c>]]&gt;</c>, <c>?&gt;</c>) and throws an input error, with the line, once one item
/// is longer than the limit. Delimiters are ASCII, so UTF-8 multi-byte sequences never confuse it.
/// </summary>
internal sealed class XmlMarkupGuardStream(Stream inner, long limit, string source) : Observability.Internal.ReadOnlyStream
{
    private State _state = State.Text;
    private long _length;
    private long _line = 1;
    private long _itemLine = 1;
    private byte _quote;
    private int _tail; // the last two bytes, for the two-byte terminators

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

    public override int Read(byte[] buffer, int offset, int count) => Scan(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Scan(buffer[..inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Scan(buffer.Span[..read]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Scan(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b == (byte)'\n')
            {
                _line++;
            }

            if (_state == State.Text)
            {
                if (b == (byte)'<')
                {
                    _state = State.Open;
                    _length = 1;
                    _itemLine = _line;
                }

                continue;
            }

            if (++_length > limit)
            {
                throw new CliInputException($"{source}:{_itemLine}: a tag, comment or CDATA section is longer than the limit of {InputFile.Describe(limit)} for one XML item.");
            }

            _state = (_state, b) switch
            {
                (State.Open, (byte)'!') => State.Bang,
                (State.Open, (byte)'?') => State.Instruction,
                (State.Open, _) => Tag(b),
                (State.Bang, (byte)'-') => State.Comment,
                (State.Bang, (byte)'[') => State.CData,
                (State.Bang, _) => Tag(b),
                (State.Tag, _) => Tag(b),
                (State.Quoted, _) => b == _quote ? State.Tag : State.Quoted,
                (State.Comment, (byte)'>') when _tail == ('-' << 8 | '-') && _length > 4 => State.Text,
                (State.CData, (byte)'>') when _tail == (']' << 8 | ']') => State.Text,
                (State.Instruction, (byte)'>') when (_tail & 0xFF) == '?' => State.Text,
                _ => _state,
            };
            _tail = ((_tail << 8) | b) & 0xFFFF;
        }

        return bytes.Length;
    }

    private State Tag(byte b)
    {
        switch (b)
        {
            case (byte)'"' or (byte)'\'':
                _quote = b;
                return State.Quoted;
            case (byte)'>':
                return State.Text;
            default:
                return State.Tag;
        }
    }
}
