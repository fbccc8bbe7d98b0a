using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>A raw TCP server: reads a request's head, then lets <c>respond</c> write whatever it likes.</summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _written;

    public RawHttpServer(Func<Stream, CancellationToken, Task> respond, Action<string>? onHead = null)
    {
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient socket;
                try
                {
                    socket = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using (socket)
                    {
                        try
                        {
                            var stream = new CountingStream(socket.GetStream(), n => Interlocked.Add(ref _written, n));
                            var head = await ReadHeadAsync(socket.GetStream(), _stop.Token);
                            onHead?.Invoke(head);
                            await respond(stream, _stop.Token);
                        }
                        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                        {
                            // The client hung up: what these tests wait for.
                        }
                    }
                });
            }
        });
    }

    public string Url { get; }

    public long BytesWritten => Interlocked.Read(ref _written);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }

    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken ct)
    {
        // Up to the blank line; the body (a small PutMetricData) follows in the same reads and is ignored.
        var seen = new StringBuilder();
        var buffer = new byte[8192];
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0)
            {
                break;
            }

            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return seen.ToString();
    }

    /// <summary>Counts the bytes the server wrote before the client hung up.</summary>
    private sealed class CountingStream(Stream inner, Action<int> onWritten) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            onWritten(count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            onWritten(buffer.Length);
        }
    }
}
