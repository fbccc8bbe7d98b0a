using System.Net;

namespace NbaSim.Observability.Benchmarks;

/// <summary>An HTTP server on a loopback port that hands every request to <c>handle</c>, each on the thread pool.</summary>
internal sealed class LoopbackListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handle;

    public LoopbackListener(Func<HttpListenerContext, Task> handle)
    {
        _handle = handle;
        var port = Random.Shared.Next(20000, 60000);
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
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
