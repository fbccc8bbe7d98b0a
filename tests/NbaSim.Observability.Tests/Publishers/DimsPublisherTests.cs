using Microsoft.Extensions.Options;
using NbaSim.Observability.Publishers;

namespace NbaSim.Observability.Tests.Publishers;

public sealed class DimsPublisherTests : IDisposable
{
    private const string Valid = """
        metadata:
          version: "2.1"
          last_updated: 2026-11-27T06:00:00Z
          verified_by: dims_cli.py
        s3_storage:
          total_objects:
            value: 172719
            unit: files
            last_verified: 2026-11-27
            method: list_objects_v2
          total_size_gb:
            value: 118.26
            unit: GB
          buckets:
            - nba-sim-raw-data-lake
        code_base:
          python_files:
            value: 1_204
            trend: up
          test_files:
            value: 311
            notes: null
          scripts:
            scraping:
              espn: scripts/etl/espn_scraper.py
              nba_api: scripts/etl/nba_api_scraper.py
          empty_entry:
            value: null
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("dims-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_real_shaped_file_publishes_the_design_metrics_and_skips_everything_else()
    {
        var (publisher, pipeline) = Create();
        var values = await publisher.PublishAsync(Write(Valid), TestContext.Current.CancellationToken);

        values.Select(v => (v.MetricName, v.Value)).Should().Equal(("DIMS_S3Objects", 172719), ("DIMS_S3SizeGB", 118.26), ("DIMS_PythonFiles", 1204), ("DIMS_TestFiles", 311));
        await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        var datums = pipeline.Exporter.Datums.ToList();
        datums.Should().OnlyContain(d => d.Namespace == "NBA-Simulator/DIMS");
        datums.Single(d => d.MetricName == "DIMS_S3Objects").Should().Match<MetricDatum>(d => d.Unit == MetricUnit.Count && d.Dimensions.Single() == new MetricDimension("Source", "DIMS"));
        datums.Single(d => d.MetricName == "DIMS_S3SizeGB").Unit.Should().Be(MetricUnit.Gigabytes);
        datums.Single(d => d.MetricName == "DIMS_PythonFiles").Dimensions.Should().BeEmpty();
    }

    [Fact]
    public async Task Malformed_yaml_names_the_file_and_line_and_publishes_nothing()
    {
        var (publisher, pipeline) = Create();
        var path = Write("s3_storage:\n  total_objects:\n    value: \"172719\n  total_size_gb: {value: 3}\n");

        var act = () => publisher.PublishAsync(path, TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<DimsFormatException>()).Which;
        error.File.Should().Be(path);
        error.Line.Should().BeGreaterThan(2);
        error.Message.Should().StartWith($"{path}:{error.Line}:").And.Contain("not valid YAML");
        await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        pipeline.Exporter.Datums.Should().BeEmpty();
    }

    [Theory]
    [InlineData("code_base.test_files", "test_files:", "tests_renamed:", "'test_files' is missing from 'code_base'")]
    [InlineData("s3_storage.total_size_gb", "value: 118.26", "value: lots", "value 'lots' is not a number")]
    [InlineData("code_base.python_files", "value: 1_204", "value: null", "has no numeric value")]
    public async Task A_missing_key_or_non_numeric_value_names_line_and_key_and_nothing_is_published(string key, string find, string replace, string expected)
    {
        var (publisher, pipeline) = Create();
        var text = Valid.Replace(find, replace, StringComparison.Ordinal);
        text.Should().NotBe(Valid, "the fixture edit must apply");

        var act = () => publisher.PublishAsync(Write(text), TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<DimsFormatException>()).Which;
        error.Key.Should().Be(key);
        error.Line.Should().BeGreaterThan(0);
        error.Message.Should().Contain(expected);
        await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        pipeline.Exporter.Datums.Should().BeEmpty("all or nothing");
    }

    [Fact]
    public async Task A_change_beyond_the_tolerance_publishes_drift_with_the_metric_name()
    {
        var (publisher, pipeline) = Create(tolerance: 0.01);
        await publisher.PublishAsync(Write(Valid), TestContext.Current.CancellationToken);
        var values = await publisher.PublishAsync(Write(Valid.Replace("172719", "180000", StringComparison.Ordinal).Replace("value: 311", "value: 312", StringComparison.Ordinal)), TestContext.Current.CancellationToken);

        values.Single(v => v.MetricName == "DIMS_S3Objects").Should().Match<DimsValue>(v => v.Drifted && v.Previous == 172719);
        values.Single(v => v.MetricName == "DIMS_TestFiles").Drifted.Should().BeFalse("311 → 312 is within 1 %");
        await pipeline.Sink.ForceFlushAsync(TestContext.Current.CancellationToken);
        var drift = pipeline.Exporter.Datums.Where(d => d.MetricName == "DIMS_DriftDetected").ToList();
        drift.Should().HaveCount(2, "once per metric, once undimensioned for the alarm");
        drift.Single(d => d.Dimensions.Count > 0).Dimensions.Should().Equal(new MetricDimension("Metric", "DIMS_S3Objects"));
    }

    private (DimsPublisher Publisher, Infrastructure.Pipeline Pipeline) Create(double tolerance = 0.01)
    {
        var pipeline = new Infrastructure.Pipeline(start: DateTimeOffset.UtcNow);
        var options = Options.Create(new DimsPublisherOptions { DriftTolerance = tolerance, StatePath = Path.Combine(_dir, "state.json") });
        return (new DimsPublisher(pipeline.Registry, options, pipeline.Time), pipeline);
    }

    private string Write(string text)
    {
        var path = Path.Combine(_dir, $"metrics-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }
}
