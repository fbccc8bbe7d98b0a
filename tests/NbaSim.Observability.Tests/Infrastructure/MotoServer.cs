using System.Diagnostics;
using Amazon.Runtime;

[assembly: AssemblyFixture(typeof(NbaSim.Observability.Tests.Infrastructure.MotoServer))]

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>
/// A real AWS-compatible server (moto 5.2.1) on a free loopback port. .ci/run starts one and passes its URL in
/// NBASIM_MOTO_URL; otherwise the first test that needs it starts one, and it is stopped when the tests end.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly bool _private;
    private Process? _process;
    private string? _url;

    /// <summary>The shared server of the test run (NBASIM_MOTO_URL when set).</summary>
    public MotoServer()
    {
    }

    private MotoServer(bool isPrivate) => _private = isPrivate;

    /// <summary>A server of one's own, for a test whose reads must not depend on what other tests stored.</summary>
    public static MotoServer Private() => new(isPrivate: true);

    /// <summary>Credentials moto accepts (it checks nothing, but routes by the SigV4 scope, so requests are signed).</summary>
    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing-secret-key");

    public async Task<string> UrlAsync()
    {
        if (_url is not null)
        {
            return _url;
        }

        await _gate.WaitAsync();
        try
        {
            if (_url is not null)
            {
                return _url;
            }

            var external = _private ? null : Environment.GetEnvironmentVariable("NBASIM_MOTO_URL");
            if (!string.IsNullOrEmpty(external))
            {
                await WaitReadyAsync(external, TimeSpan.FromSeconds(120));
                return _url = external.TrimEnd('/');
            }

            RequireMoto();
            var port = Ports.Free();
            var start = new ProcessStartInfo("moto_server", $"-H 127.0.0.1 -p {port}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            _process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            var url = $"http://127.0.0.1:{port}";
            await WaitReadyAsync(url, TimeSpan.FromSeconds(120));
            return _url = url;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _gate.Dispose();
    }

    /// <summary>
    /// Waits until moto answers, within a deadline that only bounds a failure (a busy 2-core machine can take tens of
    /// seconds to start it). The probe is moto's static dashboard page: its cost does not grow with what tests stored
    /// (/moto-api/data.json dumps every resource). Any HTTP answer means the server is up.
    /// </summary>
    private static async Task WaitReadyAsync(string url, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var started = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(100);
        Exception? last = null;
        while (started.Elapsed < timeout)
        {
            try
            {
                using var response = await http.GetAsync(url.TrimEnd('/') + "/moto-api/");
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex;
            }

            await Task.Delay(pause);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }

        throw new TimeoutException($"moto did not answer at {url} within {timeout.TotalSeconds:0} s ({last?.GetType().Name}: {last?.Message})");
    }

    private static void RequireMoto()
        => RequiredTool.Require("moto_server", "moto 5.2.1: python3 -m pip install 'moto[server]==5.2.1'");
}
