using Microsoft.Extensions.Time.Testing;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>A registry plus sink on a fake clock, for tests that drive periods by hand.</summary>
internal sealed class Pipeline : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 5, TimeSpan.Zero);

    /// <summary>A registry drained by one sink (a registry has one sink at a time) into <paramref name="exporter"/>, or into <see cref="Exporter"/>.</summary>
    public Pipeline(NbaObservabilityOptions? options = null, DateTimeOffset? start = null, IMetricExporter? exporter = null, Microsoft.Extensions.Logging.ILogger<BufferedMetricSink>? logger = null)
    {
        Options = options ?? new NbaObservabilityOptions();
        Time = new FakeTimeProvider(start ?? Start);
        Registry = new MetricRegistry(Options, Time);
        Sink = new BufferedMetricSink(Registry, exporter ?? Exporter, Options, logger);
    }

    public NbaObservabilityOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public MetricRegistry Registry { get; }

    public CapturingExporter Exporter { get; } = new();

    public BufferedMetricSink Sink { get; }

    public ValueTask DisposeAsync() => Sink.DisposeAsync();
}
