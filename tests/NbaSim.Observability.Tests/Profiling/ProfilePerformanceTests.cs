using Microsoft.Extensions.Time.Testing;

namespace NbaSim.Observability.Tests.Profiling;

[CollectionDefinition(nameof(ProfilingSerial), DisableParallelization = true)]
public sealed class ProfilingSerial;

/// <summary>Woven methods record into ProfilingHost.Current, a process-wide registry: these tests run alone.</summary>
[Collection(nameof(ProfilingSerial))]
public sealed class ProfilePerformanceTests : IDisposable
{
    private readonly MetricRegistry _registry = new(timeProvider: new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero)));
    private readonly Uploader _uploader = new();

    public ProfilePerformanceTests() => ProfilingHost.Attach(_registry);

    public void Dispose() => ProfilingHost.Attach(new MetricRegistry());

    [Fact]
    public void Weaving_ran_on_this_assembly()
    {
        // Fails when the build ran without the weaver (e.g. NbaSimDisableProfilingWeaver=true or DisableFody=true).
        typeof(Uploader).Assembly.GetType("<NbaSimProfiles>").Should().NotBeNull("the weaver adds this type when it weaves");
        _uploader.Sync(1);
        Samples("FixtureSyncDuration", "success").Should().Be(1);
    }

    [Fact]
    public void A_series_refused_at_run_time_is_logged_once_with_the_method_name_and_the_method_still_runs()
    {
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger<MetricRegistry>();
        var registry = new MetricRegistry(null, null, logger);
        ProfilingHost.Attach(registry);

        // A name computed at run time, which the weaver cannot see: the metric already exists as a counter.
        var metric = string.Concat(new[] { "FixtureRuntime", "ConflictDuration" });
        registry.Counter("NBA-Simulator/Performance", metric, MetricUnit.Count, new MetricDimension("Status", "success"));

        _uploader.RuntimeConflict(5).Should().Be(5);
        _uploader.RuntimeConflict(6).Should().Be(6);

        logger.Collector.GetSnapshot().Where(l => l.Message.Contains("[ProfilePerformance] on", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Message.Should().Contain("Uploader.RuntimeConflict(").And.Contain(metric).And.Contain("not recorded");
    }

    [Fact]
    public void A_host_built_switched_off_does_not_take_woven_methods_from_a_running_registry()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.NbaObservabilityServiceCollectionExtensions.AddNbaObservability(services, o => o.Enabled = false);
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);

        var off = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MetricRegistry>(provider);

        off.IsSwitchedOff.Should().BeTrue();
        ProfilingHost.Current.Should().BeSameAs(_registry, "the running registry keeps the woven methods");
        _uploader.Sync(1);
        Samples("FixtureSyncDuration", "success").Should().Be(1);
    }

    [Fact]
    public void Rollup_true_also_publishes_the_duration_without_Status_merging_every_outcome()
    {
        for (var i = 0; i < 5; i++)
        {
            _uploader.Rolled(i);
        }

        var fail = () => _uploader.Rolled(-1);
        fail.Should().Throw<ArgumentOutOfRangeException>();
        fail.Should().Throw<ArgumentOutOfRangeException>();

        // Read the way CloudWatch reads the EMF of these datums: the metric without dimensions holds every call.
        var datums = Datums("FixtureRollupDuration");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        EmfSerializer.Write(datums, buffer);
        var lines = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var total = Oracles.CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Performance", "FixtureRollupDuration", new Dictionary<string, string>());
        total.SampleCount.Should().Be(7);
        Oracles.CloudWatchEmfRule.Extract(lines, "NBA-Simulator/Performance", "FixtureRollupDuration", new Dictionary<string, string> { ["Status"] = "failure" }).SampleCount.Should().Be(2);
        _uploader.Sync(2);
        Datums("FixtureSyncDuration").Should().NotBeEmpty().And.OnlyContain(d => d.Rollup == null, "no rollup unless asked for");
    }

    [Fact]
    public void Sync_success_and_failure_record_status_and_the_exception_is_the_original_with_its_frames()
    {
        _uploader.Sync(3).Should().Be(6);
        var act = () => _uploader.Sync(-1);
        var thrown = act.Should().Throw<InvalidOperationException>().Which;

        thrown.Should().BeSameAs(Uploader.LastThrown);
        thrown.StackTrace!.Split('\n')[0].Should().Contain(nameof(Uploader.Sync), "the throwing frame is the original method");
        Samples("FixtureSyncDuration", "success").Should().Be(1);
        Samples("FixtureSyncDuration", "failure").Should().Be(1);
        var datum = Datums("FixtureSyncDuration").First();
        datum.Namespace.Should().Be("NBA-Simulator/Performance");
        datum.Unit.Should().Be(MetricUnit.Seconds);
        datum.StorageResolution.Should().Be(60);
    }

    [Fact]
    public void Static_void_generic_ref_out_in_struct_interface_override_and_generic_types_are_timed()
    {
        Uploader.Static("a").Should().Be("a!");
        var sink = new List<int>();
        _uploader.Void(sink);
        sink.Should().Equal(1);
        _uploader.Generic(42).Should().Be(42);
        _uploader.Generic("text").Should().Be("text");
        var counter = 1;
        Uploader.RefOutIn(ref counter, out var text, 1.5).Should().BeTrue();
        counter.Should().Be(2);
        text.Should().Be("3");
        IUploader viaInterface = _uploader;
        viaInterface.Upload("abc").Should().Be(3);
        Uploader viaBase = new DerivedUploader();
        viaBase.Virtual().Should().Be(1);
        new Repository<string>().Add("x").Should().Be(1);
        var value = new Counter();
        value.Bump().Should().Be(1);
        value.Value.Should().Be(1, "the struct's own state is updated through 'this'");
        Uploader.EarlyReturns(3).Should().Be(3);
        Uploader.EarlyReturns(200).Should().Be(100);
        Uploader.EarlyReturns(50).Should().Be(-1);

        foreach (var name in new[] { "FixtureStatic", "FixtureVoid", "FixtureRefOutIn", "FixtureInterfaceUpload", "FixtureOverride", "FixtureGenericType", "FixtureStruct" })
        {
            Samples(name + "Duration", "success").Should().Be(1, name);
        }

        Samples("FixtureGenericDuration", "success").Should().Be(2);
        Samples("FixtureEarlyReturnsDuration", "success").Should().Be(3);
    }

    [Fact]
    public async Task Async_methods_are_timed_until_they_complete()
    {
        await _uploader.TaskAsync(50, fail: false);
        (await _uploader.TaskOfTAsync(30, TestContext.Current.CancellationToken)).Should().Be(30);
        await _uploader.ValueTaskAsync(completed: true);
        await _uploader.ValueTaskAsync(completed: false);
        (await _uploader.ValueTaskOfTAsync(0)).Should().Be("done");
        (await _uploader.ValueTaskOfTAsync(20)).Should().Be("done");
        (await new Repository<string>().MapAsync(s => s.Length, "four")).Should().Be(4);

        Samples("FixtureTaskDuration", "success").Should().Be(1);
        Datums("FixtureTaskDuration").Single().StatisticValues!.Value.Minimum.Should().BeGreaterThanOrEqualTo(0.045, "timed until the task completed, not until it was returned");
        Datums("FixtureTaskOfTDuration").Single().StatisticValues!.Value.Minimum.Should().BeGreaterThanOrEqualTo(0.025);
        Samples("FixtureValueTaskDuration", "success").Should().Be(2);
        Samples("FixtureValueTaskOfTDuration", "success").Should().Be(2);
        Samples("FixtureGenericTypeGenericMethodDuration", "success").Should().Be(1);
    }

    [Fact]
    public async Task Faulted_tasks_count_as_failures_cancelled_ones_as_cancelled_and_both_propagate_unchanged()
    {
        var faulted = () => _uploader.TaskAsync(10, fail: true);
        (await faulted.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(Uploader.LastThrown);

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
        var cancelled = () => _uploader.TaskOfTAsync(10_000, cts.Token);
        await cancelled.Should().ThrowAsync<OperationCanceledException>();

        Action syncThrow = () => _uploader.ThrowsBeforeTask(throwNow: true);
        syncThrow.Should().Throw<ArgumentException>();

        Samples("FixtureTaskDuration", "failure").Should().Be(1);
        Samples("FixtureTaskOfTDuration", "failure").Should().Be(0, "a cancellation is not a failure");
        Samples("FixtureTaskOfTDuration", "cancelled").Should().Be(1);
        Samples("FixtureSyncThrowBeforeTaskDuration", "failure").Should().Be(1);
        Samples("FixtureTaskDuration", "success").Should().Be(0);
    }

    [Fact]
    public void Attribute_properties_set_namespace_dimensions_and_resolution()
    {
        _uploader.Custom().Should().Be(7);

        var datum = Datums("FixtureCustomDuration").Single();
        datum.Namespace.Should().Be("NBA-Simulator/Scrapers");
        datum.StorageResolution.Should().Be(1);
        datum.Dimensions.Should().Equal(new MetricDimension("Status", "success"), new MetricDimension("Scraper", "espn"), new MetricDimension("Season", "2025"));
    }

    [Fact]
    public void A_woven_call_allocates_nothing()
    {
        _uploader.Sync(1);

        // The histogram allocates a 64-bucket block the first time a new power of two is seen; touch them all first.
        var series = _registry.Distribution("NBA-Simulator/Performance", "FixtureSyncDuration", MetricUnit.Seconds, default, new MetricDimension("Status", "success"));
        for (var v = 1e-10; v < 100; v *= 1.5)
        {
            series.Record(v);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            _uploader.Sync(i);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    private List<MetricDatum> Datums(string metricName)
    {
        var output = new List<MetricDatum>();
        _registry.Collect(DateTimeOffset.MaxValue.AddYears(-1), includeOpenPeriods: true, output);
        _harvested.AddRange(output);
        return _harvested.Where(d => d.MetricName == metricName).ToList();
    }

    private double Samples(string metricName, string status)
        => Datums(metricName).Where(d => d.Dimensions.Contains(new MetricDimension("Status", status))).Sum(d => d.StatisticValues!.Value.SampleCount);

    private readonly List<MetricDatum> _harvested = [];
}
