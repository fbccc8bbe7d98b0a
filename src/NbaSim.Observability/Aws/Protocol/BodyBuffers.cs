using System.IO.Compression;

namespace NbaSim.Observability.Aws.Protocol;

/// <summary>
/// A few reusable body writers shared by every client: requests are marshalled one at a time per export slot, so a
/// handful of writers (grown to the largest body once) serve every request without allocating new buffers.
/// </summary>
internal static class BodyBuffers
{
    private const int Kept = 4;
    private static readonly Utf8BodyWriter?[] Pool = new Utf8BodyWriter?[Kept];

    /// <summary>The lease of the client call in progress on this async flow, if any (see <see cref="BodyLease"/>).</summary>
    public static AsyncLocal<BodyLease?> CurrentLease { get; } = new();

    public static Utf8BodyWriter Rent()
    {
        for (var i = 0; i < Pool.Length; i++)
        {
            if (Interlocked.Exchange(ref Pool[i], null) is { } writer)
            {
                writer.Reset();
                return writer;
            }
        }

        return new Utf8BodyWriter(64 * 1024);
    }

    public static void Return(Utf8BodyWriter writer)
    {
        for (var i = 0; i < Pool.Length; i++)
        {
            if (Interlocked.CompareExchange(ref Pool[i], writer, null) is null)
            {
                return;
            }
        }

        writer.Dispose();
    }
}

/// <summary>
/// A pooled body lent to one client call: the marshaller hands AWSSDK.Core a stream over it (read again on every retry)
/// instead of a copy, and the call returns it to the pool when it is over. One lease holds at most one body; a second
/// marshal in the same call gets a copy instead.
/// </summary>
internal sealed class BodyLease
{
    private Utf8BodyWriter? _writer;

    /// <summary>Lends <paramref name="writer"/> to this call; false when the lease already holds a body.</summary>
    public bool TryHold(Utf8BodyWriter writer) => Interlocked.CompareExchange(ref _writer, writer, null) is null;

    /// <summary>Returns the held body to the pool (once).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _writer, null) is { } writer)
        {
            BodyBuffers.Return(writer);
        }
    }
}

/// <summary>
/// gzip for request bodies. <see cref="CompressionLevel.Fastest"/> was measured to give the most bytes saved per
/// millisecond on a full PutMetricData body (docs/performance.md has the levels side by side).
/// </summary>
internal static class GzipBody
{
    public const CompressionLevel Level = CompressionLevel.Fastest;

    public static void Compress(ReadOnlySpan<byte> body, Utf8BodyWriter output, CompressionLevel level = Level)
    {
        using var stream = new BufferWriterStream(output);
        using (var gzip = new GZipStream(stream, level, leaveOpen: true))
        {
            gzip.Write(body);
        }
    }

#if NET9_0_OR_GREATER
    /// <summary>gzip at a zlib level (1 fastest … 9 smallest); for measuring which level pays off best.</summary>
    public static void Compress(ReadOnlySpan<byte> body, Utf8BodyWriter output, int zlibLevel)
    {
        using var stream = new BufferWriterStream(output);
        using (var gzip = new GZipStream(stream, new ZLibCompressionOptions { CompressionLevel = zlibLevel }, leaveOpen: true))
        {
            gzip.Write(body);
        }
    }
#endif

    /// <summary>A write-only stream over a <see cref="Utf8BodyWriter"/>, so gzip output lands in a reused buffer.</summary>
    private sealed class BufferWriterStream(Utf8BodyWriter output) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => output.Length;

        public override long Position
        {
            get => output.Length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => output.Raw(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => output.Raw(buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
