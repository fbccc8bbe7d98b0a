using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NbaSim.Observability;
using NbaSim.Observability.Demo;

// The demo workload: an ADCE-like orchestrator and scraper-like uploads, recorded through NbaSim.Observability with
// [ProfilePerformance] and the typed publishers; with no AWS configuration, exported as EMF to a file, summarised,
// and rendered as a local dashboard preview.
var settings = DemoSettings.Parse(args);
if (settings is null)
{
    return 2;
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.EmfFile))!);
if (File.Exists(settings.EmfFile))
{
    File.Delete(settings.EmfFile);
}

var simulated = settings.Exporter == MetricExporterKind.Emf || settings.CloudWatchEndpoint is not null || settings.OtlpEndpoint is not null;
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddNbaObservability(builder.Configuration).AddNbaPublishers();
builder.Services.AddNbaObservability(o =>
{
    o.Exporter = settings.Exporter;
    o.Emf.Path = settings.EmfFile;
    o.FlushInterval = TimeSpan.FromSeconds(2);
    o.HighResolutionByDefault = true; // a short run still draws a curve: one point per second
    o.Dims.StatePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.EmfFile))!, "dims-state.json");
    if (settings.CloudWatchEndpoint is not null)
    {
        o.CloudWatch.ServiceUrl = settings.CloudWatchEndpoint;
    }

    if (settings.OtlpEndpoint is not null)
    {
        // Dual-write, as CloudWatch's migration guide describes: the EMF file (the summary below reads it back) and OTLP,
        // each with its own queue.
        o.SecondaryExporter = MetricExporterKind.Otlp;
        o.Otlp.Endpoint = settings.OtlpEndpoint;
        o.Otlp.ServiceName = "nba-simulator-demo";
    }

    if (settings.DisableCompression)
    {
        o.CloudWatch.DisableCompression = true; // moto 5.2.1 answers 500 to gzip-compressed JSON bodies
    }

    // .NET's own meters, bridged into NBA-Simulator/Runtime: the scraper's HTTP calls, and GC and thread-pool health.
    // No tag is kept as a dimension: each kept tag value would be one more custom metric.
    o.Meters.Add(new MeterBridgeOptions { Name = "System.Net.Http", Instruments = ["http.client.request.duration", "http.client.active_requests"] });
    o.Meters.Add(new MeterBridgeOptions { Name = "System.Runtime", Instruments = ["dotnet.gc.collections", "dotnet.process.memory.working_set", "dotnet.thread_pool.queue.length", "dotnet.thread_pool.thread.count"] });
});
// The host cancels stopping services at its own ShutdownTimeout (30 s by default): give it ours plus a margin, so a
// long NbaObservability:ShutdownTimeout (a slow or throttled endpoint) is not cut short.
builder.Services.AddOptions<HostOptions>().Configure<Microsoft.Extensions.Options.IOptions<NbaObservabilityOptions>>((hostOptions, ours) =>
{
    var needed = ours.Value.ShutdownTimeout + TimeSpan.FromSeconds(5);
    if (hostOptions.ShutdownTimeout < needed)
    {
        hostOptions.ShutdownTimeout = needed;
    }
});
if (simulated)
{
    // No AWS account: the bucket listing and Cost Explorer figures come from in-process simulations.
    builder.Services.AddSingleton<IS3ObjectLister, SimulatedS3ObjectLister>();
    builder.Services.AddSingleton<ICostSource>(new SimulatedCostSource(TimeProvider.System));
}

if ((settings.CloudWatchEndpoint ?? settings.OtlpEndpoint) is not null && Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is null)
{
    // A local endpoint (moto, LocalStack) checks no signature but needs a signed request: sign with placeholder keys.
    builder.Services.AddSingleton<Amazon.Runtime.AWSCredentials>(new Amazon.Runtime.BasicAWSCredentials("local-demo", "local-demo"));
}

using var host = builder.Build();
await host.StartAsync();
var services = host.Services;
var metrics = services.GetRequiredService<INbaMetrics>();
var stopwatch = Stopwatch.StartNew();
Console.WriteLine(settings.Exporter == MetricExporterKind.CloudWatch
    ? $"Running the ADCE + scraper workload for {settings.Duration.TotalSeconds:F0} s; PutMetricData → {settings.CloudWatchEndpoint ?? "AWS CloudWatch"}"
    : settings.Exporter == MetricExporterKind.Otlp
    ? $"Running the ADCE + scraper workload for {settings.Duration.TotalSeconds:F0} s; OTLP → CloudWatch's OTLP endpoint"
    : $"Running the ADCE + scraper workload for {settings.Duration.TotalSeconds:F0} s; EMF → {settings.EmfFile}{(settings.OtlpEndpoint is null ? string.Empty : $" and OTLP → {WithoutUserInfo(settings.OtlpEndpoint)} (dual-write)")}");

await using var boxScores = new BoxScoreServer();
using var source = new HttpClient { BaseAddress = boxScores.BaseAddress };
var workload = new AdceOrchestrator(services.GetRequiredService<IAdceHealthMetrics>(), services.GetRequiredService<IS3UploadMetrics>(), services.GetRequiredService<IDataQualityMetrics>(), source, settings.FailureRate);
var periodic = PeriodicPublishersAsync(services, settings, simulated);
await workload.RunAsync(settings.Duration);
var (inventory, cost, dims) = await periodic;
await host.StopAsync();
var diagnostics = metrics.GetDiagnostics();

var records = new List<EmfRecord>();
if (File.Exists(settings.EmfFile))
{
    using var reader = File.OpenText(settings.EmfFile);
    records.AddRange(EmfReader.Read(reader));
    var context = new MonitoringContext("us-east-1", "123456789012", "nba-simulator-alerts", 150m, ["DataExtraction", "S3Upload", "Validation"], "nba-sim-raw-data-lake")
    {
        RuntimeNamespace = MeterBridgeOptions.DefaultNamespace, // the bridged meters get their widgets
    };
    var html = DashboardPreview.Render(NbaMonitoring.Dashboards(context), records, $"Demo run of {settings.Duration.TotalSeconds:F0} s at {DateTimeOffset.UtcNow:u}; S3 and cost figures are simulated.");
    await File.WriteAllTextAsync(settings.DashboardFile, html);
}

Summary.Print(records, diagnostics, stopwatch.Elapsed, settings, inventory, cost, dims, simulated);
return 0;

// An endpoint's user:password never reaches the terminal.
static string WithoutUserInfo(string url)
    => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped) : "(the --otlp-endpoint URL)";

static async Task<(S3BucketInventory? Inventory, CostSnapshot? Cost, IReadOnlyList<DimsValue>? Dims)> PeriodicPublishersAsync(IServiceProvider services, DemoSettings settings, bool simulated)
{
    // What ADCE's schedule does every hour (S3) and six hours (cost, DIMS), once, at the start of the run.
    var inventory = (await services.GetRequiredService<IS3InventoryPublisher>().PublishAsync()).Single();
    var cost = await services.GetRequiredService<ICostPublisher>().PublishAsync();
    var dimsFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.EmfFile))!, "metrics.yaml");
    await File.WriteAllTextAsync(dimsFile, string.Create(CultureInfo.InvariantCulture, $"""
        metadata:
          generated_by: NbaSim.Observability.Demo
          simulated: {simulated.ToString().ToLowerInvariant()}
        s3_storage:
          total_objects:
            value: {inventory.Objects}
            unit: files
          total_size_gb:
            value: {inventory.SizeGB:0.###}
        code_base:
          python_files:
            value: 1204
          test_files:
            value: 311
          scripts:
            scraping: [espn_scraper.py, nba_api_scraper.py]
        """));
    var dims = await services.GetRequiredService<IDimsPublisher>().PublishAsync(dimsFile);
    return (inventory, cost, dims);
}

namespace NbaSim.Observability.Demo
{
    internal sealed record DemoSettings(TimeSpan Duration, string EmfFile, string DashboardFile, double FailureRate, MetricExporterKind Exporter, string? CloudWatchEndpoint, bool DisableCompression = false)
    {
        /// <summary>The OTLP metrics URL (--otlp-endpoint), or null.</summary>
        public string? OtlpEndpoint { get; init; }

        public static DemoSettings? Parse(string[] args)
        {
            var duration = TimeSpan.FromSeconds(15);
            var emf = Path.Combine("artifacts", "demo", "metrics.emf");
            string? dashboard = null;
            var failureRate = 0.03;
            var exporter = MetricExporterKind.Emf;
            string? endpoint = null;
            string? otlpEndpoint = null;
            var disableCompression = false;
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                try
                {
                    switch (args[i])
                    {
                        case "--duration":
                            var seconds = double.Parse(Next(), CultureInfo.InvariantCulture);
                            if (seconds is <= 0 or > 3600)
                            {
                                throw new ArgumentException($"--duration is {seconds}; use 1 to 3600 seconds");
                            }

                            duration = TimeSpan.FromSeconds(seconds);
                            break;
                        case "--emf-file":
                            emf = Next();
                            break;
                        case "--dashboard-file":
                            dashboard = Next();
                            break;
                        case "--exporter":
                            exporter = Next().ToLowerInvariant() switch
                            {
                                "emf" => MetricExporterKind.Emf,
                                "cloudwatch" => MetricExporterKind.CloudWatch,
                                "otlp" => MetricExporterKind.Otlp,
                                var other => throw new ArgumentException($"--exporter is '{other}'; use emf, cloudwatch or otlp"),
                            };
                            break;
                        case "--cloudwatch-endpoint":
                            endpoint = Next();
                            exporter = MetricExporterKind.CloudWatch;
                            break;
                        case "--otlp-endpoint":
                            otlpEndpoint = Next(); // beside the EMF file (dual-write)
                            break;
                        case "--disable-compression":
                            disableCompression = true;
                            break;
                        case "--failure-rate":
                            failureRate = double.Parse(Next(), CultureInfo.InvariantCulture);
                            if (failureRate is < 0 or > 1)
                            {
                                throw new ArgumentException($"--failure-rate is {failureRate}; use 0 to 1");
                            }

                            break;
                        case "--help" or "-h":
                            Console.WriteLine("usage: NbaSim.Observability.Demo [--duration SECONDS] [--emf-file PATH] [--dashboard-file PATH] [--exporter emf|cloudwatch|otlp] [--cloudwatch-endpoint URL] [--otlp-endpoint URL] [--disable-compression] [--failure-rate 0..1]");
                            return null;
                        default:
                            throw new ArgumentException($"unknown option {args[i]}");
                    }
                }
                catch (Exception ex) when (ex is ArgumentException or FormatException)
                {
                    Console.Error.WriteLine($"error: {ex.Message}");
                    return null;
                }
            }

            return new DemoSettings(duration, emf, dashboard ?? Path.Combine(Path.GetDirectoryName(emf) is { Length: > 0 } d ? d : ".", "dashboard.html"), failureRate, exporter, endpoint, disableCompression) { OtlpEndpoint = otlpEndpoint };
        }
    }
}
