using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using NbaSim.Observability.Aws.CloudWatch;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// Soak: N threads record at full speed for a given time into the CloudWatch exporter, pointed at a loopback server that
/// counts every SampleCount it receives. Prints samples/s, peak working set, drops and the reconciliation.
/// Usage: dotnet run -c Release --project benchmarks/NbaSim.Observability.Benchmarks -- soak [seconds=60] [threads=2] [series=100]
/// (SOAK_SPOOL=1 runs it with the disk spool on.)
/// Exit code 1 when the reconciliation fails, anything was dropped, or the working set passed 200 MB.
/// </summary>
internal static class Soak
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 60;
        var threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var seriesCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
        using var server = new CountingServer();
        using var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("soak", "soak"), new CloudWatchClientConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1" });
        var options = new NbaObservabilityOptions { HighResolutionByDefault = true, FlushInterval = TimeSpan.FromSeconds(1) };

        // SOAK_SPOOL=1: the same run through the on-disk delivery queue (a fresh temp directory).
        string? spool = null;
        if (Environment.GetEnvironmentVariable("SOAK_SPOOL") == "1")
        {
            spool = Directory.CreateTempSubdirectory("nbasim-soak-spool-").FullName;
            options.Spool.Directory = spool;
        }

        var registry = new MetricRegistry(options);
        using var exporter = new CloudWatchExporter(client, maxConcurrentRequests: int.Parse(Environment.GetEnvironmentVariable("SOAK_CONCURRENCY") ?? "2", CultureInfo.InvariantCulture), logger: new StderrLogger<CloudWatchExporter>());
        var sink = new BufferedMetricSink(registry, exporter, options, new StderrLogger<BufferedMetricSink>());
        sink.Start();

        var series = Enumerable.Range(0, seriesCount)
            .Select(i => registry.Distribution("NBA-Simulator/Soak", "OperationDuration", MetricUnit.Seconds, new MetricDimension("Worker", $"w{i:D3}")))
            .ToArray();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var recorded = new long[threads];
        var stopwatch = Stopwatch.StartNew();
        long peakWorkingSet = 0;
        var sampler = Task.Run(async () =>
        {
            using var process = Process.GetCurrentProcess();
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                await Task.Delay(200);
            }
        });
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var value = 0.0001 * (t + 1);
            long count = 0;
            var token = stop.Token;
            while (!token.IsCancellationRequested)
            {
                for (var i = 0; i < 4096; i++)
                {
                    series[(int)((t * 50) + (count & 63)) % series.Length].Record(value);
                    value = value > 5 ? 0.0001 : value * 1.01;
                    count++;
                }
            }

            recorded[t] = count;
        }) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        var elapsed = stopwatch.Elapsed;
        await sampler;
        await sink.StopAsync();
        await sink.DisposeAsync();

        var total = recorded.Sum();
        var received = server.SampleCount;
        var diagnostics = registry.GetDiagnostics();
        var peakMb = Math.Max(peakWorkingSet, Process.GetCurrentProcess().PeakWorkingSet64) / 1048576.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {seconds} s, {threads} threads, {seriesCount} series"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  samples recorded        {total,16:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  samples/s               {total / elapsed.TotalSeconds,16:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  SampleCount received    {received,16:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  PutMetricData requests  {server.Requests,16:N0} received, {client.Counters.Attempts:N0} sent (retries included), {diagnostics.BatchesExported:N0} accepted"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  repeated deliveries     {server.Duplicates,16:N0} (SDK retries of a call whose response was lost)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  datums dropped          {diagnostics.DatumsDropped,16:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak working set        {peakMb,13:F1} MB"));
        var spoolLeft = spool is null ? 0 : Directory.GetFiles(spool, "*.spool").Length;
        if (spool is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  spool files left        {spoolLeft,16:N0}"));
            Directory.Delete(spool, recursive: true);
        }

        var reconciled = received == total && spoolLeft == 0;
        Console.WriteLine(reconciled ? "  reconciliation          OK (received = recorded)" : $"  reconciliation          FAILED ({received - total:N0})");
        return reconciled && diagnostics.DatumsDropped == 0 && peakMb < 200 ? 0 : 1;
    }

    private sealed class StderrLogger<T> : Microsoft.Extensions.Logging.ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Console.Error.WriteLine($"  {logLevel}: {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message}");
    }

    /// <summary>A loopback PutMetricData endpoint that adds up the SampleCount of every datum it accepts.</summary>
    private sealed class CountingServer : IDisposable
    {
        private readonly Testing.LoopbackListener _listener;
        private readonly ConcurrentDictionary<string, byte> _invocations = new();
        private long _sampleCount;
        private long _requests;
        private long _duplicates;

        public CountingServer() => _listener = new Testing.LoopbackListener(ServeAsync);

        public string Url => _listener.Url;

        public double SampleCount => Interlocked.Read(ref _sampleCount);

        public long Requests => Interlocked.Read(ref _requests);

        /// <summary>Attempts the SDK repeated after the server had already processed them (the response was lost).</summary>
        /// <remarks>They are included in <see cref="SampleCount"/>, as CloudWatch would include them.</remarks>
        public long Duplicates => Interlocked.Read(ref _duplicates);

        public void Dispose() => _listener.Dispose();

        private async Task ServeAsync(HttpListenerContext context)
        {
            using var body = new MemoryStream();
            var input = context.Request.Headers["Content-Encoding"] == "gzip" ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress) : context.Request.InputStream;
            await input.CopyToAsync(body);
            long samples = 0;
            var json = context.Request.Headers["X-Amz-Target"] is not null;
            var text = Encoding.UTF8.GetString(body.ToArray());
            if (json)
            {
                // AWS JSON 1.0 (the default protocol).
                using var document = System.Text.Json.JsonDocument.Parse(text);
                foreach (var datum in document.RootElement.GetProperty("MetricData").EnumerateArray())
                {
                    if (datum.TryGetProperty("StatisticValues", out var statistics))
                    {
                        samples += (long)statistics.GetProperty(nameof(StatisticSet.SampleCount)).GetDouble();
                    }
                }
            }

            foreach (var pair in json ? [] : text.Split('&'))
            {
                var equals = pair.IndexOf('=');
                if (equals > 0 && pair.AsSpan(0, equals).EndsWith(".StatisticValues.SampleCount"))
                {
                    samples += (long)double.Parse(Uri.UnescapeDataString(pair[(equals + 1)..]), CultureInfo.InvariantCulture);
                }
            }

            // Everything received counts (CloudWatch would count it too); an invocation id seen twice is an SDK
            // retry of a call whose response was lost, reported separately.
            Interlocked.Add(ref _sampleCount, samples);
            Interlocked.Increment(ref _requests);
            if (!_invocations.TryAdd(context.Request.Headers["amz-sdk-invocation-id"] ?? Guid.NewGuid().ToString(), 0))
            {
                Interlocked.Increment(ref _duplicates);
            }

            var ok = json ? "{}"u8.ToArray() : "<PutMetricDataResponse><ResponseMetadata><RequestId>soak</RequestId></ResponseMetadata></PutMetricDataResponse>"u8.ToArray();
            context.Response.ContentType = json ? "application/x-amz-json-1.0" : "text/xml";
            context.Response.ContentLength64 = ok.Length;
            await context.Response.OutputStream.WriteAsync(ok);
            context.Response.Close();
        }
    }
}
