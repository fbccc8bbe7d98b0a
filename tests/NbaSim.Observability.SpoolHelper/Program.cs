using System.Globalization;
using NbaSim.Observability;
using NbaSim.Observability.Aws.CloudWatch;

// usage: SpoolHelper record|replay SERVER_URL SPOOL_DIR LEDGER_FILE
//        SpoolHelper host EMF_FILE: a Generic Host that records until SIGTERM; the open period must be in EMF_FILE on exit.
// record: 5 series, one sample each every 5 ms, 1-second periods, spool on; appends "<period-start-ticks> <samples>" to the
//         ledger when a second is over; runs until killed.
// replay: starts a sink on the same spool, flushes it, exits 0 when the spool is empty.
if (args[0] == "fleet")
{
    // fleet URL NAMESPACE SAMPLES SEED: one scraper of a fleet; prints "<samples> <sum>" of what it recorded.
    var fleetOptions = new NbaObservabilityOptions { ShutdownTimeout = TimeSpan.FromSeconds(60) }; // three cold processes at once against moto
    fleetOptions.CloudWatch.ServiceUrl = args[1];
    var fleetRegistry = new MetricRegistry(fleetOptions);
    using var fleetClient = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("testing", "testing-secret-key"), new CloudWatchClientConfig { ServiceURL = args[1], AuthenticationRegion = "us-east-1", DisableRequestCompression = true });
    using var fleetExporter = new CloudWatchExporter(fleetClient);
    await using var fleetSink = new BufferedMetricSink(fleetRegistry, fleetExporter, fleetOptions);
    fleetSink.Start();
    var duration = fleetRegistry.Distribution(args[2], "DataExtractionDuration", MetricUnit.Seconds, new MetricDimension("Status", "success"));
    var tasks = fleetRegistry.Counter(args[2], "ADCETasksCompleted", MetricUnit.Count);
    var random = new Random(int.Parse(args[4], CultureInfo.InvariantCulture));
    var samples = int.Parse(args[3], CultureInfo.InvariantCulture);
    double total = 0;
    for (var i = 0; i < samples; i++)
    {
        var value = Math.Round(0.05 + (random.NextDouble() * 3), 3);
        total += value;
        duration.Record(value);
        tasks.Add(1 + (i % 3));
    }

    await fleetSink.StopAsync();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{samples} {total:R} {fleetRegistry.GetDiagnostics().DatumsDropped}"));
    return 0;
}

if (args[0] == "slowhost")
{
    // slowhost URL SPOOL_DIR METRIC RESULT [WIDE]: an application host with the spool on, exporting to URL, recording METRIC
    // (and WIDE more series of METRIC+"Wide", one per dimension value) until SIGTERM (or SIGKILL); at the end of a clean
    // stop it writes "<recorded> <dropped> <exported>" to RESULT.
    var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
    Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Amazon.Runtime.AWSCredentials>(builder.Services, new Amazon.Runtime.BasicAWSCredentials("slow", "slow"));
    Microsoft.Extensions.DependencyInjection.NbaObservabilityServiceCollectionExtensions.AddNbaObservability(builder.Services, o =>
    {
        o.Exporter = MetricExporterKind.CloudWatch;
        o.CloudWatch.ServiceUrl = args[1];
        o.CloudWatch.Region = "us-east-1";
        o.CloudWatch.DisableCompression = true;
        o.CloudWatch.MaxRetries = 0;
        o.Spool.Directory = args[2];
        o.HighResolutionByDefault = true;
        o.FlushInterval = TimeSpan.FromSeconds(1);
        o.ShutdownTimeout = TimeSpan.FromSeconds(20);
    });
    using var app = builder.Build();
    await app.StartAsync();
    var metrics = (INbaMetrics)app.Services.GetService(typeof(INbaMetrics))!;
    var counter = metrics.Counter("NBA-Simulator/SlowEndpoint", args[3]);
    var others = Enumerable.Range(0, args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 0)
        .Select(i => metrics.Counter("NBA-Simulator/SlowEndpoint", args[3] + "Wide", default, new MetricDimension("Series", $"s{i:D4}"))).ToArray();
    var lifetime = (Microsoft.Extensions.Hosting.IHostApplicationLifetime)app.Services.GetService(typeof(Microsoft.Extensions.Hosting.IHostApplicationLifetime))!;
    Console.WriteLine("ready");
    long recorded = 0;
    while (!lifetime.ApplicationStopping.IsCancellationRequested)
    {
        counter.Increment();
        foreach (var other in others)
        {
            other.Increment();
        }

        recorded++;
        await Task.Delay(2);
    }

    await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(app);
    var diagnostics = metrics.GetDiagnostics();
    await File.WriteAllTextAsync(args[4], string.Create(CultureInfo.InvariantCulture, $"{recorded} {diagnostics.DatumsDropped} {diagnostics.DatumsExported}"));
    return 0;
}

if (args[0] == "emffull")
{
    // emffull DIR: an EMF file on a filesystem that fills up mid-batch. A filler file takes most of the space; a batch of
    // 1,000 datums is exported, and what the exporter says was not delivered is exported again once the filler is gone
    // (as the sink would). Prints "<undelivered after the first export> <delivered at once>".
    var dir = args[1];
    var filler = Path.Combine(dir, "filler");
    File.WriteAllBytes(filler, new byte[200 * 1024]);
    await using var emf = new EmfExporter(new EmfExporterOptions { Path = Path.Combine(dir, "metrics.emf") });
    var at = DateTimeOffset.UtcNow;
    var batch = Enumerable.Range(0, 1_000).Select(i => MetricDatum.CreateValue("NBA-Simulator/EmfFull", "Ticks", i, MetricUnit.Count, at, [new MetricDimension("Series", $"s{i:D4}")])).ToList();
    IReadOnlyList<MetricDatum> undelivered = [];
    try
    {
        undelivered = (await emf.ExportAsync(batch, CancellationToken.None)).Undelivered ?? [];
    }
    catch (IOException)
    {
        undelivered = batch;
    }

    File.Delete(filler);
    await emf.ExportAsync(undelivered, CancellationToken.None);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{undelivered.Count} {batch.Count - undelivered.Count}"));
    return 0;
}

if (args[0] == "diskfull")
{
    // diskfull URL SPOOL_DIR: publishes datums in rounds during an outage, on a spool whose filesystem fills up; waits
    // for "go" on stdin (the test ends the outage), flushes, and prints "<recorded> <dropped> <queued> <files>".
    var fullOptions = new NbaObservabilityOptions { MaxQueuedDatums = 1_000, FlushInterval = TimeSpan.FromHours(1) };
    fullOptions.Spool.Directory = args[2];
    fullOptions.Spool.MaxBytes = 1024L * 1024 * 1024; // the filesystem is the limit here, not the cap
    var fullRegistry = new MetricRegistry(fullOptions);
    using var fullClient = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("full", "full"), new CloudWatchClientConfig { ServiceURL = args[1], AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
    using var fullExporter = new CloudWatchExporter(fullClient);
    var logger = new StderrLogger();
    var fullSink = new BufferedMetricSink(fullRegistry, fullExporter, fullOptions, logger);
    long published = 0;
    for (var round = 0; round < 12; round++)
    {
        for (var i = 0; i < 500; i++)
        {
            fullRegistry.Enqueue(MetricDatum.CreateValue("NBA-Simulator/DiskFull", "Ticks", 1, MetricUnit.Count, DateTimeOffset.UtcNow, [new MetricDimension("Series", $"r{round}-{i}")]));
            published++;
        }

        await fullSink.ForceFlushAsync();
    }

    Console.WriteLine("outage-done");
    _ = Console.ReadLine();
    for (var attempt = 0; attempt < 20 && fullSink.QueuedDatums > 0; attempt++)
    {
        await fullSink.ForceFlushAsync();
    }

    var diagnostics = fullRegistry.GetDiagnostics();
    var files = Directory.EnumerateFiles(args[2], "*.spool").Count();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{published} {diagnostics.DatumsDropped} {fullSink.QueuedDatums} {files} {logger.WriteFailures}"));
    await fullSink.DisposeAsync();
    return 0;
}

if (args[0] == "host")
{
    var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
    Microsoft.Extensions.DependencyInjection.NbaObservabilityServiceCollectionExtensions.AddNbaObservability(builder.Services, o => o.Emf.Path = args[1]);
    using var app = builder.Build();
    await app.StartAsync();
    var metrics = (INbaMetrics)app.Services.GetService(typeof(INbaMetrics))!;
    var counter = metrics.Counter("NBA-Simulator/ADCE", "ADCETasksCompleted");
    var lifetime = (Microsoft.Extensions.Hosting.IHostApplicationLifetime)app.Services.GetService(typeof(Microsoft.Extensions.Hosting.IHostApplicationLifetime))!;
    Console.WriteLine("ready");
    long recorded = 0;
    while (!lifetime.ApplicationStopping.IsCancellationRequested)
    {
        counter.Increment();
        recorded++;
        if (recorded % 1000 == 0)
        {
            await File.WriteAllTextAsync(args[1] + ".recorded", recorded.ToString(CultureInfo.InvariantCulture));
        }

        await Task.Delay(1);
    }

    await File.WriteAllTextAsync(args[1] + ".recorded", recorded.ToString(CultureInfo.InvariantCulture));
    await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(app);
    return 0;
}

var (mode, url, spoolDir, ledgerPath) = (args[0], args[1], args[2], args[3]);
var options = new NbaObservabilityOptions { HighResolutionByDefault = true, FlushInterval = TimeSpan.FromMilliseconds(200) };
options.Spool.Directory = spoolDir;
var registry = new MetricRegistry(options);
using var client = new CloudWatchClient(new Amazon.Runtime.BasicAWSCredentials("crash", "crash"), new CloudWatchClientConfig { ServiceURL = url, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
using var exporter = new CloudWatchExporter(client);
var sink = new BufferedMetricSink(registry, exporter, options);
sink.Start();

if (mode == "replay")
{
    await sink.ForceFlushAsync();
    var left = Directory.EnumerateFiles(spoolDir, "*.spool").Count();
    Console.WriteLine($"replayed; {left} file(s) left");
    await sink.StopAsync();
    return left == 0 ? 0 : 1;
}

var series = Enumerable.Range(0, 5).Select(i => registry.Counter("NBA-Simulator/Crash", "Ticks", MetricUnit.Count, new MetricDimension("Series", $"s{i}"))).ToArray();
using var ledger = new StreamWriter(ledgerPath, append: true) { AutoFlush = true };
long currentSecond = DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond;
long inSecond = 0;
Console.WriteLine("recording");
while (true)
{
    var second = DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond;
    if (second != currentSecond)
    {
        // The counts of a second are written when it is over; a second cut short by the kill may be missing here.
        ledger.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{currentSecond * TimeSpan.TicksPerSecond} {inSecond}"));
        (currentSecond, inSecond) = (second, 0);
    }

    foreach (var s in series)
    {
        s.Increment();
    }

    inSecond++;
    Thread.Sleep(5);
}

/// <summary>Writes warnings to stderr and counts the spool's refused writes.</summary>
internal sealed class StderrLogger : Microsoft.Extensions.Logging.ILogger<BufferedMetricSink>
{
    public int WriteFailures { get; private set; }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        if (message.Contains("write failed", StringComparison.Ordinal))
        {
            WriteFailures++;
        }

        Console.Error.WriteLine($"{logLevel}: {message}");
    }
}
