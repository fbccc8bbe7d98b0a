using System.Net.Sockets;

namespace NbaSim.Observability.Export.Emf;

/// <summary>Where EMF lines go: standard output, a file, or the CloudWatch agent over TCP or UDP.</summary>
internal abstract class EmfDestination : IAsyncDisposable
{
    public abstract string Description { get; }

    /// <summary>Writes complete lines (each ending in '\n'); <paramref name="lineStarts"/> lets datagram transports split per line.</summary>
    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    public static EmfDestination Create(EmfExporterOptions options)
    {
        if (options.AgentEndpoint is { Length: > 0 } agent)
        {
            if (!TryParseAgentEndpoint(agent, out var udp, out var host, out var port))
            {
                throw new ArgumentException($"Emf:AgentEndpoint '{agent}' is not tcp://host:port or udp://host:port.", nameof(options));
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

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(lines, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        public override async ValueTask DisposeAsync()
        {
            if (ownsStream)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private sealed class FileDestination : EmfDestination
    {
        private readonly string _path;
        private FileStream? _stream;

        public FileDestination(string path) => _path = path;

        public override string Description => _path;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, CancellationToken cancellationToken)
        {
            if (_stream is null)
            {
                var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path));
                if (!string.IsNullOrEmpty(directory))
                {
                    Directory.CreateDirectory(directory);
                }

                _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 64 * 1024, useAsync: true);
            }

            await _stream.WriteAsync(lines, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

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

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, CancellationToken cancellationToken)
        {
            try
            {
                if (_client is not { Connected: true })
                {
                    _client?.Dispose();
                    _client = new TcpClient { NoDelay = true };
                    await _client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
                }

                await _client.GetStream().WriteAsync(lines, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Reconnect on the next batch; the sink retries this one.
                _client?.Dispose();
                _client = null;
                throw;
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

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> lines, IReadOnlyList<int> lineStarts, CancellationToken cancellationToken)
        {
            // One datagram per document, as the agent expects.
            for (var i = 0; i < lineStarts.Count; i++)
            {
                var start = lineStarts[i];
                var end = i + 1 < lineStarts.Count ? lineStarts[i + 1] : lines.Length;
                await _client.SendAsync(lines[start..end], host, port, cancellationToken).ConfigureAwait(false);
            }
        }

        public override ValueTask DisposeAsync()
        {
            _client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
