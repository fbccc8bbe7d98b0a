namespace NbaSim.Observability.Tests.Recording;

/// <summary>One metric name in one namespace means one kind and unit, whatever the dimensions (issue 27, item 9's run-time half).</summary>
public sealed class MetricIdentityTests
{
    private static readonly string NonConstantNamespace = string.Concat("NBA-Simulator/", "Performance"); // what a build-time check cannot see

    [Fact]
    public void A_counter_and_a_distribution_under_one_name_are_refused_whatever_their_dimensions()
    {
        var registry = new MetricRegistry();
        registry.Counter(NonConstantNamespace, "CtrClashDuration").Increment();

        var clash = () => registry.Distribution(NonConstantNamespace, "CtrClashDuration", MetricUnit.Seconds, default, new MetricDimension("Status", "success"));

        clash.Should().Throw<InvalidOperationException>().Which.Message.Should()
            .Contain("'NBA-Simulator/Performance/CtrClashDuration'").And.Contain("Counter in Count").And.Contain("Distribution in Seconds");
        registry.Counter(NonConstantNamespace, "CtrClashDuration", MetricUnit.Count, default, new MetricDimension("Status", "success")).Should().NotBeNull("the same kind with other dimensions is one metric");
    }
}
