using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Tests.Aws;

public class AwsRegionResolutionTests
{
    [Theory]
    [InlineData("eu-west-1", "us-west-2", "ap-south-1", "eu-west-1")]
    [InlineData(null, "us-west-2", "ap-south-1", "us-west-2")]
    [InlineData("", "us-west-2", "ap-south-1", "us-west-2")]
    [InlineData(null, "", "ap-south-1", "ap-south-1")]
    [InlineData("", "", "", null)]
    [InlineData(null, null, null, null)]
    public void The_configured_region_comes_first_then_AWS_REGION_then_AWS_DEFAULT_REGION_and_empty_values_are_skipped(
        string? configured, string? awsRegion, string? awsDefaultRegion, string? expected)
    {
        var environment = new Dictionary<string, string?> { ["AWS_REGION"] = awsRegion, ["AWS_DEFAULT_REGION"] = awsDefaultRegion };

        AwsRegionResolution.ConfiguredOrEnvironment(configured, name => environment[name]).Should().Be(expected);
    }
}
