using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NbaSim.Observability;
using NbaSim.Observability.Demo;
using NbaSim.Observability.Export.Emf;

// The demo workload: an ADCE-like orchestrator and scraper-like uploads, recorded through NbaSim.Observability and
// exported as EMF to a file (no AWS account needed), then summarised.
var settings = DemoSettings.Parse(args);
if (settings is null)
{
    return 2;
}

if (File.Exists(settings.EmfFile))
{
    File.Delete(settings.EmfFile);
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddNbaObservability(builder.Configuration);
builder.Services.AddNbaObservability(o =>
{
    o.Exporter = settings.Exporter;
    o.Emf.Path = settings.EmfFile;
    o.FlushInterval = TimeSpan.FromSeconds(2);
    if (settings.CloudWatchEndpoint is not null)
    {
        o.CloudWatch.ServiceUrl = settings.CloudWatchEndpoint;
    }
});
if (settings.CloudWatchEndpoint is not null && Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is null)
{
    // A local endpoint (moto, LocalStack) checks no signature but needs a signed request: sign with placeholder keys.
    builder.Services.AddSingleton<Amazon.Runtime.AWSCredentials>(new Amazon.Runtime.BasicAWSCredentials("local-demo", "local-demo"));
}

using var host = builder.Build();
await host.StartAsync();
var metrics = host.Services.GetRequiredService<INbaMetrics>();
var stopwatch = Stopwatch.StartNew();
var workload = new Workload(metrics, settings.FailureRate);
Console.WriteLine(settings.Exporter == MetricExporterKind.CloudWatch
    ? $"Running the ADCE + scraper workload for {settings.Duration.TotalSeconds:F0} s; PutMetricData → {settings.CloudWatchEndpoint ?? "AWS CloudWatch"}"
    : $"Running the ADCE + scraper workload for {settings.Duration.TotalSeconds:F0} s; EMF → {settings.EmfFile}");
await workload.RunAsync(settings.Duration);
await host.StopAsync();
var diagnostics = metrics.GetDiagnostics();

var records = new List<EmfRecord>();
if (File.Exists(settings.EmfFile))
{
    using var reader = File.OpenText(settings.EmfFile);
    records.AddRange(EmfReader.Read(reader));
}

Summary.Print(records, diagnostics, stopwatch.Elapsed, settings.EmfFile);
return 0;

namespace NbaSim.Observability.Demo
{
    internal sealed record DemoSettings(TimeSpan Duration, string EmfFile, double FailureRate, MetricExporterKind Exporter, string? CloudWatchEndpoint)
    {
        public static DemoSettings? Parse(string[] args)
        {
            var duration = TimeSpan.FromSeconds(15);
            var emf = Path.Combine("artifacts", "demo", "metrics.emf");
            var failureRate = 0.03;
            var exporter = MetricExporterKind.Emf;
            string? endpoint = null;
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
                        case "--exporter":
                            exporter = Next().ToLowerInvariant() switch
                            {
                                "emf" => MetricExporterKind.Emf,
                                "cloudwatch" => MetricExporterKind.CloudWatch,
                                var other => throw new ArgumentException($"--exporter is '{other}'; use emf or cloudwatch"),
                            };
                            break;
                        case "--cloudwatch-endpoint":
                            endpoint = Next();
                            exporter = MetricExporterKind.CloudWatch;
                            break;
                        case "--failure-rate":
                            failureRate = double.Parse(Next(), CultureInfo.InvariantCulture);
                            break;
                        case "--help" or "-h":
                            Console.WriteLine("usage: NbaSim.Observability.Demo [--duration SECONDS] [--emf-file PATH] [--exporter emf|cloudwatch] [--cloudwatch-endpoint URL] [--failure-rate 0..1]");
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

            return new DemoSettings(duration, emf, failureRate, exporter, endpoint);
        }
    }
}
