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
    private static readonly byte[] DigitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8.ToArray();

    private byte[] _buffer;
    private int _length;

    public Utf8BodyWriter(int initialCapacity = 4096) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Reset() => _length = 0;

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
        Ensure(32);
        _length += FormatNumber(value, _buffer.AsSpan(_length));
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

    /// <summary>At least <paramref name="size"/> writable bytes at the end; follow with <see cref="Advance"/>.</summary>
    public Span<byte> Reserve(int size)
    {
        Ensure(size);
        return _buffer.AsSpan(_length);
    }

    /// <summary>
    /// A number token written into <paramref name="into"/> (which has room for 32 bytes): whole values within ±10^15
    /// as integer digits, anything else in its shortest round-trip form.
    /// </summary>
    public static int FormatNumber(double value, Span<byte> into)
    {
        if (value >= 0 && value < 1e15 && value == Math.Floor(value))
        {
            unsafe
            {
                fixed (byte* at = into)
                {
                    return Digits(at, (long)value);
                }
            }
        }

        if (value == Math.Floor(value) && Math.Abs(value) < 9_007_199_254_740_992d)
        {
            Utf8Formatter.TryFormat((long)value, into, out var integer);
            return integer;
        }

        value.TryFormat(into, out var written, "R", CultureInfo.InvariantCulture); // shortest round-trip ("R" measured faster than the default format)
        return written;
    }

    /// <summary>Copies what was written into an exact-size array (what the SDK's request takes as its body).</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>
    /// A read-only, seekable stream over what was written, without copying it. Valid until the writer is reset or
    /// returned: the owner keeps the writer for as long as the stream may be read.
    /// </summary>
    public MemoryStream OpenRead() => new(_buffer, 0, _length, writable: false, publiclyVisible: false);

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

    /// <summary>Decimal digits of a non-negative integer below 10^15, two at a time, at <paramref name="into"/> (16 bytes of room).</summary>
    public static unsafe int Digits(byte* into, long value)
    {
        if (value < SmallIntegers.Count)
        {
            // Counts are mostly small: one 4-byte store from a table instead of a digit loop.
            System.Runtime.CompilerServices.Unsafe.WriteUnaligned(into, SmallIntegers.Table[value]);
            return value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : 4;
        }

        var length = value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : value < 10000 ? 4 : value < 100000 ? 5 : 1 + (int)Math.Floor(Math.Log10(value));
        var end = into + length;
        fixed (byte* pairs = DigitPairs)
        {
            while (value >= 100)
            {
                var next = value / 100;
                var pair = pairs + ((value - (next * 100)) * 2);
                *--end = pair[1];
                *--end = pair[0];
                value = next;
            }

            if (value >= 10)
            {
                *--end = pairs[(value * 2) + 1];
                *--end = pairs[value * 2];
            }
            else
            {
                *--end = (byte)('0' + value);
            }
        }

        return length;
    }

    /// <summary>The ASCII digits of 0 … 9,999, packed little-endian into a uint (bytes past the length are zero).</summary>
    private static class SmallIntegers
    {
        public const int Count = 10_000;
        public static readonly uint[] Table = Build();

        private static uint[] Build()
        {
            var table = new uint[Count];
            for (var i = 0; i < Count; i++)
            {
                var text = i.ToString(CultureInfo.InvariantCulture);
                uint packed = 0;
                for (var j = 0; j < text.Length; j++)
                {
                    packed |= (uint)text[j] << (8 * j);
                }

                table[i] = packed; // bytes past the length are overwritten by whatever is written next
            }

            return table;
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
