using NbaSim.Observability.Publishers;
using NbaSim.Observability.Tests.Recording;

namespace NbaSim.Observability.Tests.Publishers;

public class PublisherArithmeticTests
{
    [Fact]
    public void Success_rate_is_completed_over_finished_in_the_period_and_absent_when_nothing_finished()
    {
        var (registry, time) = AggregationTests.NewRegistry();
        using var adce = new AdceHealthMetrics(registry);
        adce.TaskCompleted();
        adce.TaskCompleted();
        adce.TaskCompleted();
        adce.TaskFailed();

        var first = AggregationTests.CollectNextPeriod(registry, time);
        first.Single(d => d.MetricName == "ADCESuccessRate").Should().Match<MetricDatum>(d => d.Value == 75 && d.Unit == MetricUnit.Percent && d.Namespace == "NBA-Simulator/ADCE");
        first.Single(d => d.MetricName == "ADCETasksCompleted").StatisticValues!.Value.Sum.Should().Be(3);
        first.Single(d => d.MetricName == "ADCETasksFailed").StatisticValues!.Value.Sum.Should().Be(1);

        var idle = AggregationTests.CollectNextPeriod(registry, time);
        idle.Should().NotContain(d => d.MetricName == "ADCESuccessRate", "no task finished: no rate rather than a false 0 % or 100 %");
        idle.Single(d => d.MetricName == "ADCETasksCompleted").Value.Should().Be(0);
        idle.Single(d => d.MetricName == "ADCETasksFailed").Value.Should().Be(0);
    }

    [Fact]
    public void Cumulative_reports_become_increments_and_survive_an_orchestrator_restart()
    {
        var (registry, time) = AggregationTests.NewRegistry();
        using var adce = new AdceHealthMetrics(registry);
        adce.Report(new AdceStatistics(TasksCompleted: 100, TasksFailed: 5, QueueDepth: 12));
        adce.Report(new AdceStatistics(TasksCompleted: 140, TasksFailed: 5, QueueDepth: 7));

        var period = AggregationTests.CollectNextPeriod(registry, time);
        period.Single(d => d.MetricName == "ADCETasksCompleted").StatisticValues!.Value.Sum.Should().Be(140);
        period.Single(d => d.MetricName == "ADCEQueueDepth").Value.Should().Be(7);
        period.Single(d => d.MetricName == "ADCESuccessRate").Value.Should().BeApproximately(100.0 * 140 / 145, 1e-9);

        adce.Report(new AdceStatistics(TasksCompleted: 3, TasksFailed: 1, QueueDepth: 0)); // restarted
        var after = AggregationTests.CollectNextPeriod(registry, time);
        after.Single(d => d.MetricName == "ADCETasksCompleted").StatisticValues!.Value.Sum.Should().Be(3);
        after.Single(d => d.MetricName == "ADCESuccessRate").Value.Should().Be(75);
    }

    [Fact]
    public void Queue_depth_is_sampled_from_the_orchestrator_each_period()
    {
        var (registry, time) = AggregationTests.NewRegistry();
        using var adce = new AdceHealthMetrics(registry);
        var depth = 42;
        using var observation = adce.ObserveQueueDepth(() => depth);
        AggregationTests.CollectNextPeriod(registry, time).Single(d => d.MetricName == "ADCEQueueDepth").Value.Should().Be(42);
        depth = 0;
        AggregationTests.CollectNextPeriod(registry, time).Single(d => d.MetricName == "ADCEQueueDepth").Value.Should().Be(0);
    }

    [Fact]
    public void Upload_failures_publish_zero_in_a_quiet_period_so_the_alarm_sees_data()
    {
        var (registry, time) = AggregationTests.NewRegistry();
        var uploads = new S3UploadMetrics(registry);
        uploads.Failed();
        uploads.Failed();
        uploads.Succeeded();

        var busy = AggregationTests.CollectNextPeriod(registry, time);
        busy.Single(d => d.MetricName == "S3UploadFailures").Should().Match<MetricDatum>(d => d.StatisticValues!.Value.Sum == 2 && d.Namespace == "NBA-Simulator/DataCollection" && d.Unit == MetricUnit.Count);
        busy.Single(d => d.MetricName == "S3Uploads").StatisticValues!.Value.Sum.Should().Be(3);
        AggregationTests.CollectNextPeriod(registry, time).Single(d => d.MetricName == "S3UploadFailures").Value.Should().Be(0);
    }

    [Fact]
    public void Validation_pass_rate_is_passed_over_total_overall_and_per_dataset()
    {
        var (registry, time) = AggregationTests.NewRegistry();
        var quality = new DataQualityMetrics(registry);
        quality.Report(95, 100).Should().BeTrue();
        quality.Report(47, 50, "play_by_play").Should().BeTrue();
        quality.Report(0, 0).Should().BeFalse("an empty run has no pass rate");
        FluentActions.Invoking(() => quality.Report(11, 10)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("passed is 11 and total is 10*");

        var datums = AggregationTests.CollectNextPeriod(registry, time);
        datums.Single(d => d.Dimensions.Count == 0).StatisticValues!.Value.Should().Match<StatisticSet>(s => s.SampleCount == 1 && s.Sum == 95);
        datums.Single(d => d.Dimensions.Contains(new MetricDimension("Dataset", "play_by_play"))).StatisticValues!.Value.Sum.Should().Be(94);
        datums.Should().OnlyContain(d => d.Namespace == "NBA-Simulator/DataQuality" && d.MetricName == "ValidationPassRate" && d.Unit == MetricUnit.Percent);
    }
}
