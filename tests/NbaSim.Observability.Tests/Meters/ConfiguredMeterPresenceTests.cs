using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Meters;

namespace NbaSim.Observability.Tests.Meters;

/// <summary>A configured meter or instrument that never appears is said once, a minute after start, with the closest name seen.</summary>
public class ConfiguredMeterPresenceTests
{
    [Fact]
    public void A_misspelt_meter_is_logged_once_after_the_grace_period_naming_the_meter_that_exists()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        using var meter = new Meter($"Test{id}.AspNetCore.Hosting");
        meter.CreateCounter<long>("http.server.requests");
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<MeterBridge>();
        using var bridge = new MeterBridge(new MetricRegistry(), [new MeterBridgeOptions { Name = $"Test{id}.AspNetCore.Hostng" }], logger, time);

        time.Advance(TimeSpan.FromSeconds(59));
        logger.Collector.Count.Should().Be(0, "a meter may appear later than start-up");
        time.Advance(TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromMinutes(10));

        logger.Collector.GetSnapshot().Select(r => r.Message).Should().Equal(
            $"NbaObservability:Meters:0:Name 'Test{id}.AspNetCore.Hostng' matched no meter within 00:01:00 of start-up, so nothing of it is published; did you mean 'Test{id}.AspNetCore.Hosting'?");
    }

    [Fact]
    public void A_listed_instrument_the_meter_never_published_is_named_with_the_closest_one()
    {
        var name = $"Test.Presence.{Guid.NewGuid():N}";
        using var meter = new Meter(name);
        meter.CreateHistogram<double>("http.server.request.duration");
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<MeterBridge>();
        using var bridge = new MeterBridge(new MetricRegistry(), [new MeterBridgeOptions { Name = name, Instruments = ["http.server.request.duration", "http.server.requst.duration"] }], logger, time);

        time.Advance(TimeSpan.FromMinutes(1));

        logger.Collector.GetSnapshot().Select(r => r.Message).Should().Equal(
            $"NbaObservability:Meters:0:Instruments:1 'http.server.requst.duration' was not published by meter '{name}' within 00:01:00 of start-up; did you mean 'http.server.request.duration'?");
    }

    [Fact]
    public void Meters_that_appear_within_the_grace_period_even_after_start_and_prefix_rules_are_quiet()
    {
        var name = $"Test.Late.{Guid.NewGuid():N}";
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<MeterBridge>();
        using var bridge = new MeterBridge(new MetricRegistry(), [new MeterBridgeOptions { Name = name }, new MeterBridgeOptions { Name = name[..10] + "*" }], logger, time);

        time.Advance(TimeSpan.FromSeconds(30));
        using var meter = new Meter(name);
        meter.CreateCounter<int>("late");
        time.Advance(TimeSpan.FromMinutes(2));

        logger.Collector.Count.Should().Be(0);
    }
}
