using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NbaSim.Observability.Cli.MonitoringAsCode;
using NbaSim.Observability.Configuration.Schema;
using NbaSim.Observability.Meters;
using NbaSim.Observability.MonitoringAsCode;

namespace NbaSim.Observability.Tests.Attacks;

// The red team's findings on issue 24's changes, each a test that failed before its fix (docs: the issue's closing note).

public class RtFixtures
{
    // Accepted by the weaver (printable dimension value; operation name without control characters).
    [ProfilePerformance("RtOwned", Dimensions = ["Owner=team@example.com"])]
    public int Owned(int x) => x;

    [ProfilePerformance("RtTier", Dimensions = ["Tier=gold,silver"])]
    public int Tier(int x) => x;

    [ProfilePerformance("RtSim@v2")]
    public int At(int x) => x;

    [ProfilePerformance("RtPad", Dimensions = ["Engine= v2"])]
    public int Pad(int x) => x;
}

public class RedTeam24AttackTests
{
    private static IConfigurationSection Section(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(p => "NbaObservability:" + p.Key, p => p.Value)).Build().GetSection("NbaObservability");

    [Fact]
    public void Config_meter_instruments_as_comma_value_is_neither_bound_nor_warned()
    {
        var section = Section(new() { ["Meters:0:Name"] = "App", ["Meters:0:Instruments"] = "a,b" });
        var options = new NbaObservabilityOptions();
        ConfigurationBinding.Bind(section, options);
        NbaSim.Observability.Configuration.ConfiguredLists.Apply(options, section);
        options.Meters[0].Instruments.Should().Equal("a", "b");
        (options.Meters[0].Instruments.Count > 0 || options.UnknownSettings.Count > 0).Should().BeTrue("a value the binder ignores must be bound or warned");
    }

    [Theory]
    [InlineData("MaxQueuedDatums", "")]
    [InlineData("FlushInterval", "")]
    public void An_empty_value_keeps_the_default_as_the_library_binder_does(string key, string value)
    {
        var section = Section(new() { [key] = value });
        var options = new NbaObservabilityOptions();

        ConfigurationCheck.ConversionErrors(section).Should().BeEmpty();
        ConfigurationBinding.Bind(section, options);

        options.MaxQueuedDatums.Should().Be(new NbaObservabilityOptions().MaxQueuedDatums);
        options.FlushInterval.Should().Be(new NbaObservabilityOptions().FlushInterval);
    }

    [Fact]
    public void A_blank_number_the_check_lets_through_is_still_one_line_from_the_binder()
    {
        var section = Section(new() { ["MaxQueuedDatums"] = " " });

        var bind = () => ConfigurationBinding.Bind(section, new NbaObservabilityOptions());

        bind.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().Which.Message.Should().Contain("NbaObservability:MaxQueuedDatums").And.NotContain("\n");
    }

    [Fact]
    public void Config_list_under_non_numeric_key_is_bound_but_warned()
    {
        var section = Section(new() { ["S3Inventory:Buckets:first"] = "b1" });
        var options = new NbaObservabilityOptions();
        ConfigurationBinding.Bind(section, options);
        options.UnknownSettings.Should().BeEmpty();
    }

    [Theory]
    [InlineData("Owner", "team@example.com")]
    [InlineData("Tier", "gold,silver")]
    [InlineData("Engine", " v2")]
    public void ProfiledOperation_round_trips_weaver_accepted_dimension(string name, string value)
    {
        var op = new ProfiledOperation(ProfilePerformanceAttribute.DefaultNamespace, "Op", [new MetricDimension(name, value)]);
        string result;
        try { var back = ProfiledOperation.Parse(op.ToString()); result = $"ns='{back.Namespace}' name='{back.Name}' dims={string.Join(",", back.Dimensions.Select(d => $"'{d.Name}'='{d.Value}'"))}"; }
        catch (Exception ex) { result = ex.GetType().Name + ": " + ex.Message; }
        result.Should().Be($"ns='{ProfilePerformanceAttribute.DefaultNamespace}' name='Op' dims='{name}'='{value}'");
    }

    [Fact]
    public void ProfiledOperation_name_with_at_round_trips()
    {
        var op = new ProfiledOperation(ProfilePerformanceAttribute.DefaultNamespace, "Sim@v2", []);
        var back = ProfiledOperation.Parse(op.ToString());
        back.Should().BeEquivalentTo(op);
    }

    [Fact]
    public void Reader_on_woven_assembly_yields_entries_that_parse()
    {
        var ops = ProfiledOperationReader.Read(typeof(RtFixtures).Assembly.Location).Where(o => o.Name.StartsWith("Rt", StringComparison.Ordinal)).ToList();
        var failures = new List<string>();
        foreach (var op in ops)
        {
            try { var back = ProfiledOperation.Parse(op.ToString()); if (back.ToString() != op.ToString() || back.Namespace != op.Namespace || back.Name != op.Name || !back.Dimensions.SequenceEqual(op.Dimensions)) failures.Add($"{op} -> ns={back.Namespace} name={back.Name} dims={string.Join(",", back.Dimensions)}"); }
            catch (FormatException ex) { failures.Add(ex.Message); }
        }
        failures.Should().BeEmpty();
    }

    [Fact]
    public void Alarm_names_are_unique_for_distinct_operations()
    {
        var c = new MonitoringContext("us-east-1", "123456789012", "t", 150m, ["Op@NBA-Simulator/A", "Op@NBA-Simulator/B", "Sim[Engine=v2]", "Sim[Mode=v2]"], "b");
        var names = NbaMonitoring.Alarms(c).Select(a => a.AlarmName).Where(n => n.EndsWith("DurationRegression", StringComparison.Ordinal)).ToList();
        names.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Config_operations_the_weaver_would_refuse_are_start_up_failures()
    {
        var options = new NbaObservabilityOptions();
        options.Monitoring.ProfiledOperations = ["Op[Status=x]", "Op2[A=1,A=2]", "Op3@AWS/Lambda", "Same@NBA-Simulator/A", "Same@NBA-Simulator/B"];
        var result = new NbaObservabilityOptionsValidator().Validate(null, options);

        result.Failures.Should().HaveCount(3);
        result.Failures.Should().Contain(f => f.Contains("'Op[Status=x]'; Status is the profiler's own dimension", StringComparison.Ordinal));
        result.Failures.Should().Contain(f => f.Contains("'Op2[A=1,A=2]':", StringComparison.Ordinal));
        result.Failures.Should().Contain(f => f.Contains("'Op3@AWS/Lambda':", StringComparison.Ordinal));
    }

    [Fact]
    public void Reader_fuzz_only_cli_input_errors()
    {
        var original = File.ReadAllBytes(typeof(RtFixtures).Assembly.Location);
        var rng = new Random(24);
        var path = Path.Combine(Path.GetTempPath(), $"rt24-{Guid.NewGuid():N}.dll");
        var seen = new Dictionary<string, int>();
        for (var i = 0; i < 3000; i++)
        {
            var bytes = (byte[])original.Clone();
            if (i % 3 == 0)
            {
                bytes = bytes[..rng.Next(bytes.Length)];
            }
            else
            {
                for (var k = 0; k < 1 + rng.Next(20); k++)
                {
                    bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                }
            }

            File.WriteAllBytes(path, bytes);
            try { ProfiledOperationReader.Read(path); }
            catch (NbaSim.Observability.Cli.Input.CliInputException) { }
            catch (Exception ex)
            {
                var key = ex.GetType().Name + ": " + ex.Message.Split('\n')[0];
                seen[key] = seen.GetValueOrDefault(key) + 1;
                    }
        }

        File.Delete(path);
        seen.Should().BeEmpty();
    }

    [Fact]
    public void Presence_cap_makes_a_live_meter_reported_as_never_seen()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        using var big = new Meter($"RtBig{id}");
        for (var i = 0; i < 600; i++) { big.CreateCounter<long>($"c{i}"); }
        using var small = new Meter($"RtSmall{id}");
        small.CreateCounter<long>("requests");
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<MeterBridge>();
        using var bridge = new MeterBridge(new MetricRegistry(), [new MeterBridgeOptions { Name = $"RtBig{id}" }, new MeterBridgeOptions { Name = $"RtSmall{id}", Instruments = ["requests"] }], logger, time);
        time.Advance(TimeSpan.FromMinutes(2));
        logger.Collector.Count.Should().Be(0);
    }

    private static string Preview(IReadOnlyList<(double Value, bool Right)> points, DateTimeOffset? at = null)
    {
        var t = at ?? DateTimeOffset.UnixEpoch.AddYears(50);
        var records = points.Select((p, i) => new EmfRecord("NS", p.Right ? "R" : $"L{i}", MetricUnit.Seconds, [], t, 60, [p.Value], [1], null)).ToList();
        var lines = points.Select((p, i) => p.Right ? MetricLine.Of("NS", "R") with { RightAxis = true, Stat = "Maximum" } : MetricLine.Of("NS", $"L{i}") with { Stat = "Maximum" }).DistinctBy(l => l.MetricName).ToList();
        var d = new DashboardDefinition("D", [new MetricWidget(new(0, 0), "W", lines, 60, "Maximum", "us-east-1")]);
        return DashboardPreview.Render([d], records);
    }

    [Theory]
    [InlineData(4.94e-324, 1.0, false)]
    [InlineData(1e-3, 1.7e308, false)]
    [InlineData(1.0, 1.7e308, true)]
    public void Preview_axes_have_finite_coordinates(double a, double b, bool bRight)
    {
        var html = Preview([(a, false), (b, bRight)]);
        var svg = html[html.IndexOf("<svg", StringComparison.Ordinal)..(html.IndexOf("</svg>", StringComparison.Ordinal) + 6)];
        var circles = System.Text.RegularExpressions.Regex.Matches(svg, "cy=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        svg.Should().NotContain("NaN").And.NotContain("Infinity").And.NotContain("∞");
        circles.Distinct().Count().Should().Be(2, "two values three orders apart must not be drawn at the same height");
    }

    [Fact]
    public void Preview_timestamp_at_minimum()
    {
        var act = () => Preview([(1, false)], DateTimeOffset.FromUnixTimeMilliseconds(-62135596800000));
        act.Should().NotThrow();
    }
}
