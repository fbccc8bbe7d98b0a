namespace NbaSim.Observability.Aws.Otlp;

/// <summary>
/// Just enough protobuf reading for the endpoint's small answers (partial_success, google.rpc.Status): the first
/// occurrence of a field, skipping the rest. Malformed input yields "absent", never an exception or a long loop.
/// </summary>
internal static class ProtobufReader
{
    /// <summary>The bytes of length-delimited field <paramref name="field"/>, or empty.</summary>
    public static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> message, int field)
        => Find(message, field, ProtobufWriter.LengthDelimited, out var value, out var start, out var length) ? message.Slice(start, length) : [];

    /// <summary>The value of varint field <paramref name="field"/>, or 0.</summary>
    public static ulong Varint(ReadOnlySpan<byte> message, int field)
        => Find(message, field, ProtobufWriter.Varint, out var value, out _, out _) ? value : 0;

    private static bool Find(ReadOnlySpan<byte> message, int field, int wireType, out ulong value, out int start, out int length)
    {
        value = 0;
        start = 0;
        length = 0;
        var at = 0;
        while (at < message.Length)
        {
            if (!TryVarint(message, ref at, out var tag))
            {
                return false;
            }

            var type = (int)(tag & 7);
            var number = tag >> 3;
            switch (type)
            {
                case ProtobufWriter.Varint:
                    if (!TryVarint(message, ref at, out var v))
                    {
                        return false;
                    }

                    if (number == (ulong)field && wireType == type)
                    {
                        value = v;
                        return true;
                    }

                    break;
                case ProtobufWriter.Fixed64:
                    at += 8;
                    break;
                case ProtobufWriter.LengthDelimited:
                    if (!TryVarint(message, ref at, out var len) || len > (ulong)(message.Length - at))
                    {
                        return false;
                    }

                    if (number == (ulong)field && wireType == type)
                    {
                        start = at;
                        length = (int)len;
                        return true;
                    }

                    at += (int)len;
                    break;
                case 5: // fixed32
                    at += 4;
                    break;
                default:
                    return false; // groups (deprecated) or garbage
            }
        }

        return false;
    }

    private static bool TryVarint(ReadOnlySpan<byte> message, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && at < message.Length; shift += 7)
        {
            var b = message[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
