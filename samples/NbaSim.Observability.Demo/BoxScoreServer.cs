using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NbaSim.Observability.Demo;

/// <summary>
/// A loopback stand-in for the box-score source the scraper fetches from: real HTTP over TCP, so the scraper's
/// HttpClient produces the <c>System.Net.Http</c> meter's measurements that the Meter bridge publishes.
/// </summary>
internal sealed class BoxScoreServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public BoxScoreServer()
    {
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri BaseAddress { get; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (HttpListenerException)
        {
        }

        _listener.Close();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => RespondAsync(context));
        }
    }

    private static async Task RespondAsync(HttpListenerContext context)
    {
        try
        {
            // A source that takes 1 to 5 ms, and has no box score for one game in fifty.
            var game = int.TryParse(context.Request.Url?.Segments.LastOrDefault(), out var g) ? g : -1;
            await Task.Delay(1 + Random.Shared.Next(5)).ConfigureAwait(false);
            var missing = game < 0 || game % 50 == 49;
            context.Response.StatusCode = missing ? 404 : 200;
            var body = Encoding.UTF8.GetBytes(missing ? "{}" : $$$"""{"game":{{{game}}},"home":{"points":{{{90 + (game % 30)}}}},"away":{"points":{{{88 + (game % 27)}}}}}""");
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
            // the demo is stopping
        }
    }
}
