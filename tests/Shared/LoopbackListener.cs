using System.Net;

namespace NbaSim.Observability.Testing;

/// <summary>
/// An HTTP server on a loopback port that hands every request to <c>handle</c>, each on the thread pool. Shared source,
/// compiled into the tests and the benchmarks (linked from tests/Shared/).
/// </summary>
internal sealed class LoopbackListener : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<HttpListenerContext, Task> _handle;

    public LoopbackListener(Func<HttpListenerContext, Task> handle)
    {
        _handle = handle;

        // A random port may be taken (moto, an ephemeral port of another process): try others.
        for (var attempt = 1; ; attempt++)
        {
            var port = Random.Shared.Next(20000, 60000);
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                _listener = listener;
                Url = $"http://127.0.0.1:{port}/";
                break;
            }
            catch (HttpListenerException) when (attempt < 50)
            {
                listener.Close();
            }
        }

        _ = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public void Dispose() => _listener.Close();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => _handle(context));
        }
    }
}
