using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using NbaSim.Observability.Meters;

namespace NbaSim.Observability.Tests.Meters;

/// <summary>
/// Other people's instruments attacking the bridge: a callback that never returns, a host that wants to stop, a tag
/// with unbounded values, and threads racing an up-down counter (issue 20, items 1–4).
/// </summary>
public sealed class MeterBridgeFaultTests
{
    private const string Ns = "NBA-Simulator/Runtime";
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_callback_that_never_returns_costs_its_own_value_not_a_flush_nor_the_other_series()
    {
        var ct = TestContext.Current.CancellationToken;
        using var release = new ManualResetEventSlim();
        var meterName = $"NbaSim.Tests.Blocked.{Guid.NewGuid():N}";
        await using var pipeline = new Infrastructure.Pipeline(new NbaObservabilityOptions { ObservableGaugeTimeout = TimeSpan.FromMilliseconds(200), ShutdownTimeout = TimeSpan.FromSeconds(5) });
        var logger = new FakeLogger<MeterBridge>();
        using var meter = new Meter(meterName);
        meter.CreateObservableGauge("stuck", () => { release.Wait(); return 1.0; });
        meter.CreateObservableGauge("fine", () => 42.0);
        using var bridge = new MeterBridge(pipeline.Registry, [new MeterBridgeOptions { Name = meterName, Namespace = Ns }], logger);
        var other = pipeline.Registry.Counter("NBA-Simulator/Other", "Samples", MetricUnit.Count, default);
        try
        {
            for (var i = 0; i < 100; i++)
            {
                other.Increment();
            }

            // The call itself returns a task (run off this thread so a regression fails here instead of hanging the run).
            var flush = Task.Run(() => pipeline.Sink.ForceFlushAsync(ct), ct);
            await flush.WaitAsync(Hang, ct);
            var second = Task.Run(() => pipeline.Sink.ForceFlushAsync(ct), ct);
            await second.WaitAsync(Hang, ct);
            await Task.Run(() => pipeline.Sink.StopAsync(ct), ct).WaitAsync(Hang, ct);

            var datums = pipeline.Exporter.Datums.ToList();
            datums.Where(d => d.MetricName == "Samples").Sum(d => d.StatisticValues!.Value.Sum).Should().Be(100);
            datums.Should().Contain(d => d.MetricName == "fine" && d.Value == 42.0, "another instrument of the same meter is read on time");
            datums.Should().NotContain(d => d.MetricName == "stuck");
            logger.Collector.GetSnapshot().Should().ContainSingle(l => l.Message.Contains("stuck", StringComparison.Ordinal) && l.Message.Contains("did not return", StringComparison.Ordinal));
            pipeline.Registry.GetDiagnostics().DatumsDropped.Should().Be(0);
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public async Task The_hosted_service_stops_when_the_host_says_so_even_behind_a_blocked_callback()
    {
        var ct = TestContext.Current.CancellationToken;
        using var release = new ManualResetEventSlim();
        var meterName = $"NbaSim.Tests.HostStop.{Guid.NewGuid():N}";
        var options = new NbaObservabilityOptions
        {
            ObservableGaugeTimeout = TimeSpan.FromSeconds(30), // the longest allowed: only the host's token can end the wait sooner
            Meters = [new MeterBridgeOptions { Name = meterName, Namespace = Ns }],
        };
        var registry = new MetricRegistry(options);
        var service = new MeterBridgeHostedService(registry, Options.Create(options));
        await service.StartAsync(ct);
        using var meter = new Meter(meterName);
        meter.CreateObservableGauge("stuck", () => { release.Wait(); return 1.0; });
        try
        {
            using var host = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var stop = Task.Run(() => service.StopAsync(host.Token), ct);
            await stop.WaitAsync(TimeSpan.FromSeconds(10), ct);
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public async Task Unbounded_tag_values_keep_the_bridge_within_the_cardinality_limit_and_every_measurement_is_accounted_for()
    {
        var ct = TestContext.Current.CancellationToken;
        var meterName = $"NbaSim.Tests.Unbounded.{Guid.NewGuid():N}";
        await using var pipeline = new Infrastructure.Pipeline(new NbaObservabilityOptions { MaxSeriesPerNamespace = 10 });
        using var meter = new Meter(meterName);
        var calls = meter.CreateCounter<long>("calls");
        var level = meter.CreateUpDownCounter<long>("level");
        using var bridge = new MeterBridge(pipeline.Registry, [new MeterBridgeOptions { Name = meterName, Namespace = Ns, Dimensions = ["id"] }], new FakeLogger<MeterBridge>());

        const int Distinct = 200_000;
        for (var i = 0; i < Distinct; i++)
        {
            var id = new KeyValuePair<string, object?>("id", "u" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            calls.Add(1, id);
            level.Add(1, id);
        }

        bridge.RememberedCombinations.Should().BeLessThanOrEqualTo(2 * 10, "each instrument remembers at most MaxSeriesPerNamespace combinations");
        await pipeline.Sink.StopAsync(ct);

        var published = pipeline.Exporter.Datums.Where(d => d.MetricName == "calls").Sum(d => d.StatisticValues!.Value.Sum);
        var diagnostics = pipeline.Registry.GetDiagnostics();
        published.Should().Be(Distinct, "past the limit a counter's measurements go to its Overflow=true series");
        pipeline.Exporter.Datums.Should().Contain(d => d.MetricName == "calls" && d.Dimensions.Any(x => x.Name == "Overflow"));
        pipeline.Exporter.Datums.Where(d => d.MetricName == "CardinalityOverflow").Sum(d => d.StatisticValues?.Sum ?? d.Value ?? 0)
            .Should().BeGreaterThan(0, "an up-down counter past the limit is counted, not published under another combination");
        diagnostics.LiveSeries.Should().BeLessThanOrEqualTo(12);
    }

    [Fact]
    public void An_up_down_counter_never_publishes_a_stale_total_when_threads_race()
    {
        var meterName = $"NbaSim.Tests.UpDown.{Guid.NewGuid():N}";
        var registry = new MetricRegistry();
        using var meter = new Meter(meterName);
        var level = meter.CreateUpDownCounter<long>("level");
        using var bridge = new MeterBridge(registry, [new MeterBridgeOptions { Name = meterName, Namespace = Ns }], new FakeLogger<MeterBridge>());
        level.Add(0); // creates the series before the race
        var output = new List<MetricDatum>();
        var stale = 0;
        const int Rounds = 20_000;
        var total = 0L;

        // Two threads add at the same moment, round after round; the collector reads the total between rounds.
        using var phase = new Barrier(3);
        var workers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                phase.SignalAndWait();
                level.Add(1);
                phase.SignalAndWait();
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        for (var round = 0; round < Rounds; round++)
        {
            phase.SignalAndWait(TestContext.Current.CancellationToken);
            phase.SignalAndWait(TestContext.Current.CancellationToken);
            total += 2;
            output.Clear();
            registry.Collect(DateTimeOffset.UtcNow, includeOpenPeriods: true, output);
            if (output.Single(d => d.MetricName == "level").Value != total)
            {
                stale++;
            }
        }

        workers.ForEach(w => w.Join());
        stale.Should().Be(0, "the running total is added and published in one atomic step");
    }
}
