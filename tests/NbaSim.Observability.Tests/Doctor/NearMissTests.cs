using NbaSim.Observability.Cli.Doctor;

namespace NbaSim.Observability.Tests.Doctor;

public sealed class NearMissTests
{
    [Theory]
    [InlineData("NBA-Simulator/ADCE", "NBA-simulator/ADCE")] // case only
    [InlineData("NBA-Simulator/ADCE", "NBA-Simulator/ADEC")] // a transposition
    [InlineData("ADCETasksCompleted", "ADCETaskCompleted")] // a missing letter
    [InlineData("S3UploadFailures", "S3UploadFailure")]
    public void A_case_or_spelling_slip_is_near(string expected, string candidate)
        => NearMiss.Find(expected, ["AWS/Lambda", candidate, "Other/Team"]).Should().Equal(candidate);

    [Theory]
    [InlineData("NBA-Simulator/ADCE", "NBA-Simulator/Costs")]
    [InlineData("Foo", "Bar")]
    [InlineData("Cost", "Coat")] // names under 5 characters must match exactly
    [InlineData("ADCETasksCompleted", "ADCETasksFailed")]
    public void Different_names_are_not_near(string expected, string candidate)
        => NearMiss.Find(expected, [candidate]).Should().BeEmpty();

    [Fact]
    public void The_name_itself_is_not_a_near_miss_and_the_closest_comes_first()
        => NearMiss.Find("ValidationPassRate", ["ValidationPassRate", "ValidatonPasRate", "validationpassrate"]).Should().Equal("validationpassrate", "ValidatonPasRate");

    [Fact]
    public void Names_longer_than_CloudWatch_allows_are_not_compared()
        => NearMiss.Find(new string('a', 300), [new string('a', 299)]).Should().BeEmpty();
}
