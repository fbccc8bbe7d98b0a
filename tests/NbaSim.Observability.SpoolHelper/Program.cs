using System.Globalization;
using NbaSim.Observability;
using NbaSim.Observability.Aws.CloudWatch;
using NbaSim.Observability.Export.CloudWatch;

// usage: SpoolHelper record|replay SERVER_URL SPOOL_DIR LEDGER_FILE
//        SpoolHelper host EMF_FILE: a Generic Host that records until SIGTERM; the open period must be in EMF_FILE on exit.
// record: 5 series, one sample each every 5 ms, 1-second periods, spool on; appends "<period-start-ticks> <samples>" to the
//         ledger when a second is over; runs until killed.
// replay: starts a sink on the same spool, flushes it, exits 0 when the spool is empty.
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
