namespace NbaSim.Observability.Cli.Input;

/// <summary>A read-only stream that throws <see cref="CliInputException"/> once more than its limit has been read.</summary>
internal sealed class BoundedReadStream(Stream inner, long limit, string message) : Observability.Internal.ReadOnlyStream
{
    private long _read;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, (int)Math.Min(count, limit - _read + 1)));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer[..(int)Math.Min(buffer.Length, limit - _read + 1)]));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Count(await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, limit - _read + 1)], cancellationToken).ConfigureAwait(false));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw new CliInputException(message + ".") : read;
    }
}
