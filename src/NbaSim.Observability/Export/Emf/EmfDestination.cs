using System.Net.Sockets;

namespace NbaSim.Observability.Export.Emf;

/// <summary>
/// Thrown by a destination that stopped part-way: lines before <see cref="Delivered"/> were handed over (to the kernel,
/// the file), <see cref="Poisoned"/> lines can never be sent (dropped), the rest were not sent.
/// </summary>
internal sealed class EmfWriteException(int delivered, IReadOnlyList<int> poisoned, Exception inner)
    : IOException($"EMF write stopped after {delivered} line(s): {inner.Message}", inner)
{
    public int Delivered { get; } = delivered;

    public IReadOnlyList<int> Poisoned { get; } = poisoned;
}

/// <summary>Where EMF lines go: standard output, a file, or the CloudWatch agent over TCP or UDP.</summary>
internal abstract class EmfDestination : IAsyncDisposable
{
    /// <summary>Largest UDP payload over IPv4; a document larger than this cannot be one datagram.</summary>
    public const int MaxDatagramBytes = 65_507;

    public abstract string Description { get; }

    /// <summary>Largest document this destination can carry in one piece.</summary>
    public virtual int MaxDocumentBytes => int.MaxValue;

    /// <summary>
    /// Writes complete lines (each ending in '\n'); <paramref name="lineStarts"/> lets transports send per line.
    /// Returns the lines that could never be sent (dropped); throws <see cref="EmfWriteException"/> when it stopped part-way.
    /// </summary>
    public abstract ValueTask<IReadOnlyList<int>> WriteAsync(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, CancellationToken cancellationToken);

    private static ReadOnlyMemory<byte> Line(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, int i)
    {
        var start = lineStarts[i];
        var end = i + 1 < lineStarts.Count ? lineStarts[i + 1] : lines.Length;
        return lines[start..end];
    }

    public abstract ValueTask DisposeAsync();

    public static EmfDestination Create(EmfExporterOptions options)
    {
        if (options.AgentEndpoint is { Length: > 0 } agent)
        {
            if (!TryParseAgentEndpoint(agent, out var udp, out var host, out var port))
            {
                throw new ArgumentException($"Emf:AgentEndpoint '{Internal.Redact.Url(agent)}' is not tcp://host:port or udp://host:port.", nameof(options));
            }

            return udp ? new UdpDestination(host, port) : new TcpDestination(host, port);
        }

        return string.IsNullOrEmpty(options.Path) || options.Path == "-"
            ? new StreamDestination(Console.OpenStandardOutput(), "stdout", ownsStream: false)
            : new FileDestination(options.Path);
    }

    public static bool TryParseAgentEndpoint(string endpoint, out bool udp, out string host, out int port)
    {
        udp = false;
        host = string.Empty;
        port = 0;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("tcp" or "udp") || uri.Port <= 0 || uri.Host.Length == 0)
        {
            return false;
        }

        udp = uri.Scheme == "udp";
        host = uri.Host;
        port = uri.Port;
        return true;
    }

    private sealed class StreamDestination(Stream stream, string description, bool ownsStream) : EmfDestination
    {
        public override string Description => description;

        public override async ValueTask<IReadOnlyList<int>> WriteAsync(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(lines, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return [];
        }

        public override async ValueTask DisposeAsync()
        {
            if (ownsStream)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Appends to a file, unbuffered, so a write the disk refuses part-way (ENOSPC) tells by the file's length which
    /// documents are in it: those are never written again, and a torn last line is ended with a newline before the next
    /// document, so every later document parses. (The file is assumed to have one writer: this process.)
    /// </summary>
    private sealed class FileDestination : EmfDestination
    {
        private static readonly byte[] Newline = [(byte)'\n'];
        private readonly string _path;
        private FileStream? _stream;
        private bool _torn;

        public FileDestination(string path) => _path = path;

        public override string Description => _path;

        public override async ValueTask<IReadOnlyList<int>> WriteAsync(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, CancellationToken cancellationToken)
        {
            if (_stream is null)
            {
                var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path));
                if (!string.IsNullOrEmpty(directory))
                {
                    Directory.CreateDirectory(directory);
                }

                _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0, useAsync: false);
            }

            try
            {
                if (_torn)
                {
                    await _stream.WriteAsync(Newline, cancellationToken).ConfigureAwait(false);
                    _torn = false;
                }
            }
            catch (IOException ex)
            {
                throw new EmfWriteException(0, [], ex);
            }

            _stream.Seek(0, SeekOrigin.End); // another writer may have appended since
            var start = _stream.Position;
            try
            {
                await _stream.WriteAsync(lines, cancellationToken).ConfigureAwait(false);
                return [];
            }
            catch (IOException ex)
            {
                // What reached the file is its growth: whole documents count as delivered; a part of one is a torn line.
                // FileStream writes at the offset it tracks, which a failed write left behind: move it to the file's end.
                long written;
                try
                {
                    written = _stream.Length - start;
                    _stream.Seek(0, SeekOrigin.End);
                }
                catch (IOException)
                {
                    written = 0;
                }

                var delivered = 0;
                while (delivered < lineStarts.Count && End(lines, lineStarts, delivered) <= written)
                {
                    delivered++;
                }

                var endsWithoutNewline = delivered < lineStarts.Count && End(lines, lineStarts, delivered) - 1 == written;
                if (endsWithoutNewline)
                {
                    // The whole document is in the file but its newline: delivered (never written again), newline owed.
                    delivered++;
                }

                if (endsWithoutNewline || (delivered < lineStarts.Count && written > lineStarts[delivered]))
                {
                    _torn = true;
                    try
                    {
                        await _stream.WriteAsync(Newline, CancellationToken.None).ConfigureAwait(false);
                        _torn = false;
                    }
                    catch (IOException)
                    {
                        // Still full: the newline goes first at the next write.
                    }
                }

                throw new EmfWriteException(delivered, [], ex);
            }
        }

        private static long End(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, int i) => i + 1 < lineStarts.Count ? lineStarts[i + 1] : lines.Length;

        public override async ValueTask DisposeAsync()
        {
            if (_stream is not null)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private sealed class TcpDestination(string host, int port) : EmfDestination
    {
        private TcpClient? _client;

        public override string Description => $"tcp://{host}:{port}";

        public override async ValueTask<IReadOnlyList<int>> WriteAsync(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, CancellationToken cancellationToken)
        {
            var delivered = 0;
            try
            {
                if (_client is not { Connected: true })
                {
                    _client?.Dispose();
                    _client = new TcpClient { NoDelay = false };
                    await _client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
                }

                // Line by line, so a connection that fails part-way tells which documents were handed over: only the
                // rest is sent again. (What the kernel had accepted but the agent never read is lost: the at-most-once
                // window of TCP, documented in docs/reliability.md.)
                var stream = _client.GetStream();
                for (; delivered < lineStarts.Count; delivered++)
                {
                    await stream.WriteAsync(Line(lines, lineStarts, delivered), cancellationToken).ConfigureAwait(false);
                }

                return [];
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                // Reconnect on the next batch.
                _client?.Dispose();
                _client = null;
                throw new EmfWriteException(delivered, [], ex);
            }
        }

        public override ValueTask DisposeAsync()
        {
            _client?.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class UdpDestination(string host, int port) : EmfDestination
    {
        private readonly UdpClient _client = new();

        public override string Description => $"udp://{host}:{port}";

        public override int MaxDocumentBytes => MaxDatagramBytes;

        public override async ValueTask<IReadOnlyList<int>> WriteAsync(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, CancellationToken cancellationToken)
        {
            // One datagram per document, as the agent expects.
            var poisoned = new List<int>();
            for (var i = 0; i < lineStarts.Count; i++)
            {
                try
                {
                    await _client.SendAsync(Line(lines, lineStarts, i), host, port, cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.MessageSize or SocketError.InvalidArgument)
                {
                    // This document can never be one datagram: drop it (counted), never block the ones behind it.
                    poisoned.Add(i);
                }
                catch (SocketException ex)
                {
                    throw new EmfWriteException(i, poisoned, ex);
                }
            }

            return poisoned;
        }

        public override ValueTask DisposeAsync()
        {
            _client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
