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
/// Exit code 1 when the reconciliation fails, anything was dropped, or the peak working set passed the limit
/// (SOAK_MAX_MB, default 120). It also prints where the memory went: the runtime's own counters (GC.GetGCMemoryInfo).
/// </summary>
internal static class Soak
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 60;
        var threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var seriesCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
        // SOAK_ALLOCATIONS=1: which types are allocated (sampled by the runtime; costs a little speed).
        using var allocations = Environment.GetEnvironmentVariable("SOAK_ALLOCATIONS") == "1" ? new AllocationSampler() : null;
        var limitMb = int.Parse(Environment.GetEnvironmentVariable("SOAK_MAX_MB") ?? "120", CultureInfo.InvariantCulture);
        var startWorkingSet = Environment.WorkingSet;
        // The counting server runs in a process of its own (this program, "soak-server"), so that the working set measured
        // here is the library's and the recording threads', not the test server's (SOAK_SERVER=inproc keeps it here).
        using var server = Environment.GetEnvironmentVariable("SOAK_SERVER") == "inproc" ? (ICountingServer)new CountingServer() : RemoteCountingServer.Start();
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
        long peakWorkingSet = 0, peakCommitted = 0, peakHeap = 0;
        allocations?.Start();
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var collectionsBefore = new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) };
        var sampler = Task.Run(async () =>
        {
            using var process = Process.GetCurrentProcess();
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                var info = GC.GetGCMemoryInfo();
                peakCommitted = Math.Max(peakCommitted, info.TotalCommittedBytes);
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(100);
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
        var (received, requests, duplicates) = await server.ReadCountsAsync();
        var diagnostics = registry.GetDiagnostics();
        var peakMb = Math.Max(peakWorkingSet, Process.GetCurrentProcess().PeakWorkingSet64) / 1048576.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {seconds} s, {threads} threads, {seriesCount} series"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  samples recorded        {total,16:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  samples/s               {total / elapsed.TotalSeconds,16:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  SampleCount received    {received,16:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  PutMetricData requests  {requests,16:N0} received, {client.Counters.Attempts:N0} sent (retries included), {diagnostics.BatchesExported:N0} accepted"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  repeated deliveries     {duplicates,16:N0} (SDK retries of a call whose response was lost)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  datums dropped          {diagnostics.DatumsDropped,16:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak working set        {peakMb,13:F1} MB (limit {limitMb} MB: {(peakMb <= limitMb ? "OK" : "EXCEEDED")})"));
        PrintMemory(startWorkingSet, peakCommitted, peakHeap, GC.GetTotalAllocatedBytes() - allocatedBefore, collectionsBefore, elapsed);
        allocations?.Print(15);
        var spoolLeft = spool is null ? 0 : Directory.GetFiles(spool, "*.spool").Length;
        if (spool is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  spool files left        {spoolLeft,16:N0}"));
            Directory.Delete(spool, recursive: true);
        }

        var reconciled = received == total && spoolLeft == 0;
        Console.WriteLine(reconciled ? "  reconciliation          OK (received = recorded)" : $"  reconciliation          FAILED ({received - total:N0})");
        return reconciled && diagnostics.DatumsDropped == 0 && peakMb <= limitMb ? 0 : 1;
    }

    /// <summary>Where the working set went, from the runtime's own counters.</summary>
    private static void PrintMemory(long startWorkingSet, long peakCommitted, long peakHeap, long allocated, int[] collectionsBefore, TimeSpan elapsed)
    {
        static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0,9:F1} MB");
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        Console.WriteLine("  memory (GC.GetGCMemoryInfo, System.Runtime counters)");
        Console.WriteLine($"    working set at start (runtime, JIT, harness) {Mb(startWorkingSet)}");
        Console.WriteLine($"    peak GC committed                            {Mb(peakCommitted)}");
        Console.WriteLine($"    peak GC heap in use                          {Mb(peakHeap)}");
        string[] names = ["gen0", "gen1", "gen2", "LOH", "POH"];
        for (var i = 0; i < info.GenerationInfo.Length && i < names.Length; i++)
        {
            Console.WriteLine($"    {names[i],-4} after the last GC                      {Mb(info.GenerationInfo[i].SizeAfterBytes)} (fragmented {Mb(info.GenerationInfo[i].FragmentationAfterBytes).Trim()})");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    allocated                                    {Mb(allocated)} ({allocated / 1048576.0 / elapsed.TotalSeconds:F1} MB/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    collections gen0/gen1/gen2                   {GC.CollectionCount(0) - collectionsBefore[0]}/{GC.CollectionCount(1) - collectionsBefore[1]}/{GC.CollectionCount(2) - collectionsBefore[2]}"));
        if (File.Exists("/proc/self/status"))
        {
            // Linux's split of the resident set: code and data mapped from files (the runtime, the assemblies), shared
            // memory (JIT-compiled code, mapped twice for W^X) and anonymous memory (the GC heap, native allocations, stacks).
            foreach (var line in File.ReadLines("/proc/self/status").Where(l => l.StartsWith("Rss", StringComparison.Ordinal)))
            {
                var parts = line.Split(':', StringSplitOptions.TrimEntries);
                Console.WriteLine($"    {parts[0] + " now",-44} {Mb(long.Parse(parts[1].Split(' ')[0], CultureInfo.InvariantCulture) * 1024)}");
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    GC settings                                  server={System.Runtime.GCSettings.IsServerGC}, latency={System.Runtime.GCSettings.LatencyMode}, ConserveMemory={AppContext.GetData("System.GC.ConserveMemory") ?? "default"}, HeapHardLimit={AppContext.GetData("System.GC.HeapHardLimit") ?? "none"}"));
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
    /// <summary>"soak-server": serves until stdin closes; prints its URL first. GET /counts answers "samples requests duplicates".</summary>
    public static async Task<int> ServeAsync()
    {
        using var server = new CountingServer();
        Console.WriteLine(server.Url);
        await Console.In.ReadToEndAsync();
        return 0;
    }

    private interface ICountingServer : IDisposable
    {
        string Url { get; }

        Task<(double Samples, long Requests, long Duplicates)> ReadCountsAsync();
    }

    /// <summary>A <see cref="CountingServer"/> in a child process.</summary>
    private sealed class RemoteCountingServer : ICountingServer
    {
        private readonly Process _process;

        private RemoteCountingServer(Process process, string url)
        {
            _process = process;
            Url = url;
        }

        public string Url { get; }

        public static RemoteCountingServer Start()
        {
            var self = Environment.ProcessPath!;
            var start = Path.GetFileNameWithoutExtension(self) == "dotnet"
                ? new ProcessStartInfo(self) { ArgumentList = { typeof(Soak).Assembly.Location, "soak-server" } }
                : new ProcessStartInfo(self) { ArgumentList = { "soak-server" } };
            start.RedirectStandardInput = true;
            start.RedirectStandardOutput = true;
            var process = Process.Start(start)!;
            var url = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the soak server did not start");
            return new RemoteCountingServer(process, url);
        }

        public async Task<(double Samples, long Requests, long Duplicates)> ReadCountsAsync()
        {
            using var http = new HttpClient();
            var parts = (await http.GetStringAsync(new Uri(new Uri(Url), "counts"))).Split(' ');
            return (double.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
        }

        public void Dispose()
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000))
            {
                _process.Kill();
            }

            _process.Dispose();
        }
    }

    private sealed class CountingServer : ICountingServer
    {
        private readonly Testing.LoopbackListener _listener;
        private readonly ConcurrentDictionary<string, byte> _invocations = new();
        private long _sampleCount;
        private long _requests;
        private long _duplicates;
        private byte[]? _buffer;

        public CountingServer() => _listener = new Testing.LoopbackListener(ServeAsync);

        public string Url => _listener.Url;

        public double SampleCount => Interlocked.Read(ref _sampleCount);

        public long Requests => Interlocked.Read(ref _requests);

        /// <summary>Attempts the SDK repeated after the server had already processed them (the response was lost).</summary>
        /// <remarks>They are included in <see cref="SampleCount"/>, as CloudWatch would include them.</remarks>
        public long Duplicates => Interlocked.Read(ref _duplicates);

        public void Dispose() => _listener.Dispose();

        public Task<(double Samples, long Requests, long Duplicates)> ReadCountsAsync() => Task.FromResult((SampleCount, Requests, Duplicates));

        private async Task ServeAsync(HttpListenerContext context)
        {
            if (context.Request.HttpMethod == "GET" && context.Request.Url?.AbsolutePath == "/counts")
            {
                var counts = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{SampleCount:R} {Requests} {Duplicates}"));
                await context.Response.OutputStream.WriteAsync(counts);
                context.Response.Close();
                return;
            }

            // The server shares the soak's process, so it reads frugally: the (decompressed) body into one reused buffer and
            // a forward-only JSON reader over it. Reading it as a string and a JsonDocument cost ~5 MB of large-object
            // garbage per request: more than the library under test (docs/performance.md, "Where the memory goes").
            var input = context.Request.Headers["Content-Encoding"] == "gzip" ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress) : context.Request.InputStream;
            var buffer = Interlocked.Exchange(ref _buffer, null) ?? new byte[1 << 20];
            long samples;
            var json = context.Request.Headers["X-Amz-Target"] is not null;
            try
            {
                var length = 0;
                int read;
                while ((read = await input.ReadAsync(buffer.AsMemory(length))) > 0)
                {
                    length += read;
                    if (length == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }

                samples = !json ? SampleCountsInQuery(Encoding.UTF8.GetString(buffer, 0, length))
                    : NaiveServer ? SampleCountsInJsonDocument(Encoding.UTF8.GetString(buffer, 0, length))
                    : SampleCountsInJson(buffer.AsSpan(0, length));
            }
            finally
            {
                _buffer = buffer;
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

        /// <summary>SOAK_NAIVE_SERVER=1: parse as a string and a JsonDocument, as the soak did until issue 25 (for the breakdown).</summary>
        private static bool NaiveServer { get; } = Environment.GetEnvironmentVariable("SOAK_NAIVE_SERVER") == "1";

        private static long SampleCountsInJsonDocument(string text)
        {
            long samples = 0;
            using var document = System.Text.Json.JsonDocument.Parse(text);
            foreach (var datum in document.RootElement.GetProperty("MetricData").EnumerateArray())
            {
                if (datum.TryGetProperty("StatisticValues", out var statistics))
                {
                    samples += (long)statistics.GetProperty(nameof(StatisticSet.SampleCount)).GetDouble();
                }
            }

            return samples;
        }

        /// <summary>The sum of every <c>StatisticValues.SampleCount</c> of an AWS JSON 1.0 PutMetricData body.</summary>
        private static long SampleCountsInJson(ReadOnlySpan<byte> body)
        {
            long samples = 0;
            var reader = new System.Text.Json.Utf8JsonReader(body);
            var depth = -1;
            while (reader.Read())
            {
                if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("StatisticValues"u8))
                    {
                        depth = reader.CurrentDepth;
                    }
                    else if (depth >= 0 && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("SampleCount"u8) && reader.Read())
                    {
                        samples += (long)reader.GetDouble();
                    }
                }
                else if (reader.TokenType == System.Text.Json.JsonTokenType.EndObject && reader.CurrentDepth == depth)
                {
                    depth = -1;
                }
            }

            return samples;
        }

        private static long SampleCountsInQuery(string text)
        {
            long samples = 0;
            foreach (var pair in text.Split('&'))
            {
                var equals = pair.IndexOf('=');
                if (equals > 0 && pair.AsSpan(0, equals).EndsWith(".StatisticValues.SampleCount"))
                {
                    samples += (long)double.Parse(Uri.UnescapeDataString(pair[(equals + 1)..]), CultureInfo.InvariantCulture);
                }
            }

            return samples;
        }
    }
}
