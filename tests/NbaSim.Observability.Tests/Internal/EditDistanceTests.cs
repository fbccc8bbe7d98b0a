using NbaSim.Observability.Internal;

namespace NbaSim.Observability.Tests.Internal;

public sealed class EditDistanceTests
{
    [Theory]
    [InlineData("ADCE", "ADEC", false, 2)] // Levenshtein: a swap is two edits
    [InlineData("ADCE", "ADEC", true, 1)] // with transpositions: one
    [InlineData("kitten", "sitting", true, 3)]
    public void Transpositions_count_once_only_when_asked(string a, string b, bool transpositions, int distance)
        => EditDistance.Between(a, b, transpositions).Should().Be(distance);

    [Fact]
    public void Past_the_limit_it_stops_and_says_limit_plus_one()
    {
        EditDistance.Between(new string('a', 200), new string('b', 200), limit: 2).Should().Be(3);
        EditDistance.Between("S3UploadFailures", "S3UploadFailure", limit: 2).Should().Be(1);
    }
}
