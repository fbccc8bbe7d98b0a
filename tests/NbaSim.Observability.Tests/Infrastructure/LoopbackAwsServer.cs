using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>One request as the loopback server saw it: decoded (and gunzipped) form parameters.</summary>
internal sealed record ReceivedRequest(string Action, IReadOnlyDictionary<string, string> Form, bool Gzipped, long WireBytes, string? Authorization, string Body = "", string? Target = null)
{
    /// <summary>The PutMetricData datums of this request: metric name and sample count.</summary>
    public IEnumerable<(string MetricName, double SampleCount)> Datums()
    {
        for (var i = 1; Form.TryGetValue($"MetricData.member.{i}.MetricName", out var name); i++)
        {
            var prefix = $"MetricData.member.{i}.";
            var count = Form.TryGetValue(prefix + "StatisticValues.SampleCount", out var sc) ? double.Parse(sc, System.Globalization.CultureInfo.InvariantCulture)
                : Form.ContainsKey(prefix + "Value") ? 1
                : Form.Keys.Count(k => k.StartsWith(prefix + "Counts.member.", StringComparison.Ordinal)) is var n and > 0
                    ? Enumerable.Range(1, n).Sum(j => double.Parse(Form[$"{prefix}Counts.member.{j}"], System.Globalization.CultureInfo.InvariantCulture))
                    : Form.Keys.Count(k => k.StartsWith(prefix + "Values.member.", StringComparison.Ordinal));
            yield return (name, count);
        }
    }
}

/// <summary>A scriptable AWS-like HTTP server on a loopback port, for fault tests (throttling, 5xx, slowness, resets).</summary>
internal sealed class LoopbackAwsServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackAwsServer(Func<ReceivedRequest, int, Task<LoopbackResponse>> respond)
    {
        Respond = respond;
        var port = Ports.Free();
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public Func<ReceivedRequest, int, Task<LoopbackResponse>> Respond { get; set; }

    /// <summary>Every request received, in order (including those answered with errors).</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Requests answered 200.</summary>
    public ConcurrentQueue<ReceivedRequest> Accepted { get; } = new();

    public static Task<LoopbackResponse> Ok(string action)
        => Task.FromResult(new LoopbackResponse(200, $"<{action}Response xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><ResponseMetadata><RequestId>ok-{Guid.NewGuid():N}</RequestId></ResponseMetadata></{action}Response>"));

    public static LoopbackResponse Error(int status, string code, string message, string type = "Sender")
        => new(status, $"<ErrorResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><Error><Type>{type}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>err-{Guid.NewGuid():N}</RequestId></ErrorResponse>");

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
        var attempt = 0;
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

            var n = Interlocked.Increment(ref attempt);
            _ = Task.Run(() => HandleAsync(context, n));
        }
    }

    private async Task HandleAsync(HttpListenerContext context, int attempt)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var bytes = body.ToArray();
            var gzipped = string.Equals(context.Request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase);
            if (gzipped)
            {
                using var unzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                await unzip.CopyToAsync(plain);
                bytes = plain.ToArray();
            }

            var text = Encoding.UTF8.GetString(bytes);
            var target = context.Request.Headers["X-Amz-Target"];
            var cloudWatchJson = target?.StartsWith("GraniteServiceVersion20100801.", StringComparison.Ordinal) == true;
            var form = cloudWatchJson ? JsonAsForm.Flatten(text)
                : target is not null ? new Dictionary<string, string>()
                : text.Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty);
            var request = new ReceivedRequest(form.GetValueOrDefault("Action", target?.Split('.').Last() ?? string.Empty), form, gzipped, context.Request.ContentLength64, context.Request.Headers["Authorization"], text, target);
            Requests.Enqueue(request);
            var response = await Respond(request, attempt);
            if (response.Delay > TimeSpan.Zero)
            {
                await Task.Delay(response.Delay);
            }

            if (response.Reset)
            {
                context.Response.Abort();
                return;
            }

            if (response.Status == 200)
            {
                Accepted.Enqueue(request);
            }

            var responseBody = response.Body;
            if (cloudWatchJson && responseBody.StartsWith('<') && TryFromQueryResponse(responseBody) is var (json, queryError))
            {
                // The same answer as CloudWatch gives it to a JSON 1.0 client (awsQueryCompatible errors). A body that is
                // not XML at all (random bytes that happen to start with '<') is sent as it is.
                responseBody = json;
                if (queryError is not null)
                {
                    context.Response.Headers["x-amzn-query-error"] = queryError;
                }
            }

            var payload = Encoding.UTF8.GetBytes(responseBody);
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = responseBody.StartsWith('{') ? (cloudWatchJson ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1") : "text/xml";
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            context.Response.ContentLength64 = payload.Length;
            await context.Response.OutputStream.WriteAsync(payload);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client gave up (timeout test) or the server is stopping.
        }
    }

    private static (string Json, string? QueryError)? TryFromQueryResponse(string body)
    {
        try
        {
            return JsonAsForm.FromQueryResponse(body);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }
}

/// <summary>What the loopback server answers: a status and body, optionally after a delay, or a connection reset.</summary>
internal sealed record LoopbackResponse(int Status, string Body, TimeSpan Delay = default, bool Reset = false);
