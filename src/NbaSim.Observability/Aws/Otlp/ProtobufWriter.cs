using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Aws.Otlp;

/// <summary>
/// The protobuf wire format, written straight into a reused <see cref="Utf8BodyWriter"/>: tags, varints, fixed64,
/// doubles, strings and length prefixes. Lengths are computed before a message is written (the <c>Size*</c> helpers),
/// so every length prefix is the minimal varint: no reserved-and-padded prefixes, no second copy of the body.
/// </summary>
internal static class ProtobufWriter
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;

    /// <summary>Bytes of <paramref name="value"/> as a varint (1 to 10).</summary>
    public static int SizeOfVarint(ulong value) => ((64 - BitOperations.LeadingZeroCount(value | 1)) + 6) / 7;

    /// <summary>Bytes of a field's tag.</summary>
    public static int SizeOfTag(int field) => SizeOfVarint((ulong)field << 3);

    /// <summary>Bytes of a length-delimited field holding <paramref name="length"/> bytes: tag, length, content.</summary>
    public static int SizeOfDelimited(int field, int length) => SizeOfTag(field) + SizeOfVarint((ulong)length) + length;

    /// <summary>Bytes of a string field (UTF-8).</summary>
    public static int SizeOfString(int field, string value) => SizeOfDelimited(field, Encoding.UTF8.GetByteCount(value));

    /// <summary>zigzag encoding of a signed 32-bit value (sint32).</summary>
    public static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    public static void Tag(Utf8BodyWriter output, int field, int wireType) => WriteVarint(output, ((ulong)field << 3) | (uint)wireType);

    public static void WriteVarint(Utf8BodyWriter output, ulong value)
    {
        var span = output.Reserve(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        output.Advance(i);
    }

    public static void VarintField(Utf8BodyWriter output, int field, ulong value)
    {
        Tag(output, field, Varint);
        WriteVarint(output, value);
    }

    public static void Fixed64Field(Utf8BodyWriter output, int field, ulong value)
    {
        Tag(output, field, Fixed64);
        BinaryPrimitives.WriteUInt64LittleEndian(output.Reserve(8), value);
        output.Advance(8);
    }

    public static void DoubleField(Utf8BodyWriter output, int field, double value)
        => Fixed64Field(output, field, BitConverter.DoubleToUInt64Bits(value));

    /// <summary>The tag and length of a length-delimited field whose <paramref name="length"/> bytes follow.</summary>
    public static void DelimitedHeader(Utf8BodyWriter output, int field, int length)
    {
        Tag(output, field, LengthDelimited);
        WriteVarint(output, (ulong)length);
    }

    public static void StringField(Utf8BodyWriter output, int field, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        DelimitedHeader(output, field, length);
        var written = Encoding.UTF8.GetBytes(value, output.Reserve(length));
        output.Advance(written);
    }

    public static void BytesField(Utf8BodyWriter output, int field, ReadOnlySpan<byte> value)
    {
        DelimitedHeader(output, field, value.Length);
        output.Raw(value);
    }
}
