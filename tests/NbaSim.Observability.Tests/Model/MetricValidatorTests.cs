namespace NbaSim.Observability.Tests.Model;

public class MetricValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Namespace_at_255_characters_is_accepted_and_256_is_rejected_with_field_value_and_limit()
    {
        MetricValidator.ValidateNamespace(new string('N', 255));
        var act = () => MetricValidator.ValidateNamespace(new string('N', 256));
        act.Should().Throw<MetricValidationException>()
            .Where(e => e.Field == "Namespace")
            .WithMessage("Namespace 'NNNN*…' is 256 characters; CloudWatch allows 255.");
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(":Leading", "starts with ':'")]
    [InlineData("AWS/EC2", "reserves")]
    [InlineData("Bad\u0001Name", "contains")]
    [InlineData("Ünïcode", "contains 'Ü'")]
    [InlineData("   ", "whitespace")]
    public void Namespace_rules_are_enforced(string ns, string expected)
    {
        var act = () => MetricValidator.ValidateNamespace(ns);
        act.Should().Throw<MetricValidationException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Namespaces_of_the_design_are_valid()
    {
        foreach (var ns in new[] { "NBA-Simulator/DataCollection", "NBA-Simulator/ADCE", "NBA-Simulator/Performance", "NBA-Simulator/Costs", "NBA-Simulator/DIMS", "NBA-Simulator/DataQuality" })
        {
            MetricValidator.ValidateNamespace(ns);
        }
    }

    [Fact]
    public void Metric_name_limits()
    {
        MetricValidator.ValidateMetricName(new string('m', 255));
        FluentActions.Invoking(() => MetricValidator.ValidateMetricName(new string('m', 256)))
            .Should().Throw<MetricValidationException>().WithMessage("MetricName '*' is 256 characters; CloudWatch allows 255.");
        FluentActions.Invoking(() => MetricValidator.ValidateMetricName(null))
            .Should().Throw<MetricValidationException>().WithMessage("MetricName is null; CloudWatch requires 1 to 255 characters.");
        FluentActions.Invoking(() => MetricValidator.ValidateMetricName("tab\there"))
            .Should().Throw<MetricValidationException>().WithMessage("*control character*");
    }

    [Fact]
    public void Thirty_dimensions_are_accepted_and_thirty_one_rejected()
    {
        MetricValidator.ValidateDimensions(Dims(30));
        FluentActions.Invoking(() => MetricValidator.ValidateDimensions(Dims(31)))
            .Should().Throw<MetricValidationException>().WithMessage("Dimensions has 31 entries; CloudWatch allows 30.");
    }

    [Fact]
    public void Dimension_name_and_value_lengths_are_enforced_at_the_limit()
    {
        MetricValidator.ValidateDimensions([new(new string('d', 255), new string('v', 1024))]);
        FluentActions.Invoking(() => MetricValidator.ValidateDimensions([new(new string('d', 256), "v")]))
            .Should().Throw<MetricValidationException>().WithMessage("Dimension #1 name '*' is 256 characters; CloudWatch allows 255.");
        FluentActions.Invoking(() => MetricValidator.ValidateDimensions([new("Bucket", new string('v', 1300))]))
            .Should().Throw<MetricValidationException>().WithMessage("Dimension 'Bucket' value 'vvvv*…' is 1300 characters; CloudWatch allows 1024.");
    }

    [Theory]
    [InlineData("", "v", "empty")]
    [InlineData("Name", "", "empty")]
    [InlineData("Name", "line\nbreak", "control character")]
    [InlineData(":x", "v", "starts with ':'")]
    [InlineData("Näme", "v", "printable ASCII")]
    public void Dimension_content_rules(string name, string value, string expected)
    {
        FluentActions.Invoking(() => MetricValidator.ValidateDimensions([new(name, value)]))
            .Should().Throw<MetricValidationException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Duplicate_dimension_names_are_rejected()
    {
        FluentActions.Invoking(() => MetricValidator.ValidateDimensions([new("Status", "a"), new("Status", "b")]))
            .Should().Throw<MetricValidationException>().WithMessage("Dimensions contain 'Status' twice; CloudWatch allows each dimension name once per metric.");
    }

    [Fact]
    public void Every_standard_unit_round_trips_and_undefined_units_are_rejected()
    {
        MetricUnitNames.All.Should().HaveCount(27);
        foreach (var unit in MetricUnitNames.All)
        {
            MetricValidator.ValidateUnit(unit);
            MetricUnitNames.TryParse(unit.ToWireName(), out var parsed).Should().BeTrue();
            parsed.Should().Be(unit);
        }

        MetricUnit.BytesPerSecond.ToWireName().Should().Be("Bytes/Second");
        FluentActions.Invoking(() => MetricValidator.ValidateUnit((MetricUnit)99))
            .Should().Throw<MetricValidationException>().WithMessage("Unit is 99; *");
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(60, true)]
    [InlineData(0, false)]
    [InlineData(5, false)]
    [InlineData(61, false)]
    public void Storage_resolution_is_1_or_60(int resolution, bool valid)
    {
        var act = () => MetricValidator.ValidateStorageResolution(resolution);
        if (valid)
        {
            act.Should().NotThrow();
        }
        else
        {
            act.Should().Throw<MetricValidationException>().WithMessage($"StorageResolution is {resolution}; CloudWatch allows 1 or 60.");
        }
    }

    [Fact]
    public void Timestamp_window_is_14_days_back_and_2_hours_ahead()
    {
        MetricValidator.ValidateTimestamp(Now - TimeSpan.FromDays(14), Now);
        MetricValidator.ValidateTimestamp(Now + TimeSpan.FromHours(2), Now);
        FluentActions.Invoking(() => MetricValidator.ValidateTimestamp(Now - TimeSpan.FromDays(14) - TimeSpan.FromMilliseconds(1), Now))
            .Should().Throw<MetricValidationException>().WithMessage("Timestamp is 2026-11-14T*, 14.0 days old; CloudWatch allows at most 14 days.");
        FluentActions.Invoking(() => MetricValidator.ValidateTimestamp(Now + TimeSpan.FromHours(2) + TimeSpan.FromMilliseconds(1), Now))
            .Should().Throw<MetricValidationException>().WithMessage("Timestamp is *, 2.0 hours ahead; CloudWatch allows at most 2 hours.");
    }

    [Fact]
    public void Values_must_be_finite_and_within_2_pow_360()
    {
        var limit = Math.Pow(2, 360);
        MetricValidator.ValidateValue(limit);
        MetricValidator.ValidateValue(-limit);
        MetricValidator.ValidateValue(0);
        FluentActions.Invoking(() => MetricValidator.ValidateValue(Math.BitIncrement(limit)))
            .Should().Throw<MetricValidationException>().WithMessage("Value is *E+108; CloudWatch allows magnitudes up to 2^360.");
        FluentActions.Invoking(() => MetricValidator.ValidateValue(double.NaN))
            .Should().Throw<MetricValidationException>().WithMessage("Value is NaN; CloudWatch allows only finite numbers*");
        FluentActions.Invoking(() => MetricValidator.ValidateValue(double.NegativeInfinity, "Values[3]"))
            .Should().Throw<MetricValidationException>().Where(e => e.Field == "Values[3]");
    }

    [Fact]
    public void Datum_factories_validate_every_field()
    {
        var datum = MetricDatum.CreateValue("NBA-Simulator/ADCE", "ADCEQueueDepth", 3, MetricUnit.Count, Now, now: Now);
        datum.Value.Should().Be(3);

        FluentActions.Invoking(() => MetricDatum.CreateValue("NBA-Simulator/ADCE", "X", 1, MetricUnit.Count, Now - TimeSpan.FromDays(15), now: Now))
            .Should().Throw<MetricValidationException>().Where(e => e.Field == "Timestamp");
        FluentActions.Invoking(() => MetricDatum.CreateDistribution("NBA-Simulator/ADCE", "X", Enumerable.Range(1, 151).Select(i => (double)i).ToArray(), null, MetricUnit.Count, Now, now: Now))
            .Should().Throw<MetricValidationException>().WithMessage("Values has 151 entries; CloudWatch allows 150.");
        MetricDatum.CreateDistribution("NBA-Simulator/ADCE", "X", Enumerable.Range(1, 150).Select(i => (double)i).ToArray(), null, MetricUnit.Count, Now, now: Now)
            .Values.Should().HaveCount(150);
        FluentActions.Invoking(() => MetricDatum.CreateDistribution("NBA-Simulator/ADCE", "X", [1, 2], [1], MetricUnit.Count, Now, now: Now))
            .Should().Throw<MetricValidationException>().WithMessage("Counts has 1 entries but Values has 2*");
        FluentActions.Invoking(() => MetricDatum.CreateStatistics("NBA-Simulator/ADCE", "X", new StatisticSet(0, 0, 0, 0), MetricUnit.Count, Now, now: Now))
            .Should().Throw<MetricValidationException>().Where(e => e.Field == "StatisticValues.SampleCount");
        FluentActions.Invoking(() => MetricDatum.CreateStatistics("NBA-Simulator/ADCE", "X", new StatisticSet(1, 1, 2, 1), MetricUnit.Count, Now, now: Now))
            .Should().Throw<MetricValidationException>().Where(e => e.Field == "StatisticValues.Minimum");
    }

    private static MetricDimension[] Dims(int count) => Enumerable.Range(0, count).Select(i => new MetricDimension($"D{i}", "v")).ToArray();
}
