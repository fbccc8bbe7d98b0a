using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace NbaSim.Observability.Aws.Protocol;

/// <summary>
/// A reusable UTF-8 buffer with the JSON primitives a request body needs, written straight into the array: no
/// per-value strings, no validation layer. The array comes from <see cref="ArrayPool{T}"/> and is kept across
/// <see cref="Reset"/>, so a writer that is reused allocates nothing once it has grown to the largest body.
/// </summary>
internal sealed class Utf8BodyWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _length;

    public Utf8BodyWriter(int initialCapacity = 4096) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public void Reset() => _length = 0;

    /// <summary>Drops what was written after <paramref name="length"/> (used to measure a member without keeping it).</summary>
    public void Truncate(int length) => _length = length;

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 256));
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 256));
        return _buffer.AsSpan(_length);
    }

    public void Byte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>A JSON string token: quotes, and the escapes RFC 8259 requires (quote, backslash, controls).</summary>
    public void String(string value)
    {
        Ensure(value.Length + 2);
        var buffer = _buffer;
        var at = _length;
        buffer[at++] = (byte)'"';
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x80 && c >= 0x20 && c != '"' && c != '\\')
            {
                buffer[at++] = (byte)c;
                continue;
            }

            // The rare path: finish in the general writer (escapes and multi-byte UTF-8).
            _length = at;
            StringSlow(value.AsSpan(i));
            Byte((byte)'"');
            return;
        }

        buffer[at++] = (byte)'"';
        _length = at;
    }

    /// <summary>An integer token.</summary>
    public void Integer(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out var written);
        _length += written;
    }

    /// <summary>
    /// A number token that parses back to exactly <paramref name="value"/>: an integer token for whole values within
    /// ±2^53 (faster, and shorter than "5.0"), otherwise the shortest round-trip form.
    /// </summary>
    public void Number(double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 9_007_199_254_740_992d)
        {
            Integer((long)value);
            return;
        }

        Ensure(32);
        value.TryFormat(_buffer.AsSpan(_length), out var written, "R", CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>Epoch seconds: an integer token for whole seconds, else seconds with milliseconds.</summary>
    public void EpochSeconds(DateTimeOffset value)
    {
        var milliseconds = value.ToUnixTimeMilliseconds();
        if (milliseconds % 1000 == 0)
        {
            Integer(milliseconds / 1000);
            return;
        }

        Ensure(32);
        (milliseconds / 1000d).TryFormat(_buffer.AsSpan(_length), out var written, "0.###", CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>Copies what was written into an exact-size array (what the SDK's request takes as its body).</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void StringSlow(ReadOnlySpan<char> rest)
    {
        Span<char> escape = stackalloc char[6];
        var runStart = 0;
        for (var i = 0; i < rest.Length; i++)
        {
            var c = rest[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            Utf8(rest[runStart..i]);
            ReadOnlySpan<char> text = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                _ => Unicode(c, escape),
            };
            Utf8(text);
            runStart = i + 1;
        }

        Utf8(rest[runStart..]);
    }

    private static ReadOnlySpan<char> Unicode(char c, Span<char> into)
    {
        "\\u".AsSpan().CopyTo(into);
        ((int)c).TryFormat(into[2..], out _, "x4", CultureInfo.InvariantCulture);
        return into;
    }

    private void Utf8(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
    }
}
