using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>One OTLP request as received: headers, the bytes on the wire, and the body decoded by the generated classes.</summary>
internal sealed record OtlpReceived(IReadOnlyDictionary<string, string> Headers, byte[] Wire, byte[] Body, ExportMetricsServiceRequest Request, string Path);

/// <summary>What the loopback answers: a status, a body (protobuf), its content type, and extra headers.</summary>
internal sealed record OtlpAnswer(int Status, byte[] Body, string ContentType = "application/x-protobuf", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static OtlpAnswer Ok { get; } = new(200, new ExportMetricsServiceResponse().ToByteArray());

    /// <summary>200 with partial_success, as OTLP/HTTP specifies it.</summary>
    public static OtlpAnswer Partial(long rejected, string message)
        => new(200, new ExportMetricsServiceResponse { PartialSuccess = new ExportMetricsPartialSuccess { RejectedDataPoints = rejected, ErrorMessage = message } }.ToByteArray());

    /// <summary>An error with a google.rpc.Status body (field 1 code, field 2 message), written by hand: no rpc classes vendored.</summary>
    public static OtlpAnswer Error(int status, string message, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var buffer = new MemoryStream();
        var output = new Google.Protobuf.CodedOutputStream(buffer);
        output.WriteTag(1, Google.Protobuf.WireFormat.WireType.Varint);
        output.WriteInt32(3);
        output.WriteTag(2, Google.Protobuf.WireFormat.WireType.LengthDelimited);
        output.WriteString(message);
        output.Flush();
        return new(status, buffer.ToArray(), "application/x-protobuf", headers);
    }
}

/// <summary>An OTLP/HTTP receiver on a loopback port: decodes every request with the classes generated from opentelemetry-proto.</summary>
internal sealed class LoopbackOtlpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _attempts;

    public LoopbackOtlpServer(Func<OtlpReceived, int, OtlpAnswer>? respond = null)
    {
        Respond = respond ?? ((_, _) => OtlpAnswer.Ok);
        var port = Ports.Free();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    public string MetricsUrl => BaseUrl + "v1/metrics";

    public Func<OtlpReceived, int, OtlpAnswer> Respond { get; set; }

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<OtlpReceived> Requests { get; } = new();

    /// <summary>Requests answered 200.</summary>
    public ConcurrentQueue<OtlpReceived> Accepted { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _listener.Close();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            await HandleAsync(context, Interlocked.Increment(ref _attempts));
        }
    }

    private async Task HandleAsync(HttpListenerContext context, int attempt)
    {
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            var wire = buffer.ToArray();
            var body = wire;
            if (string.Equals(context.Request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
            {
                using var unzip = new GZipStream(new MemoryStream(wire), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                await unzip.CopyToAsync(plain);
                body = plain.ToArray();
            }

            var headers = context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var received = new OtlpReceived(headers, wire, body, ExportMetricsServiceRequest.Parser.ParseFrom(body), context.Request.Url!.AbsolutePath);
            Requests.Enqueue(received);
            var answer = Respond(received, attempt);
            if (answer.Status == 200)
            {
                Accepted.Enqueue(received);
            }

            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = answer.ContentType;
            foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentLength64 = answer.Body.Length;
            await context.Response.OutputStream.WriteAsync(answer.Body);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException or Google.Protobuf.InvalidProtocolBufferException)
        {
            try
            {
                context.Response.StatusCode = 400;
                context.Response.Close();
            }
            catch (Exception inner) when (inner is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }
}
