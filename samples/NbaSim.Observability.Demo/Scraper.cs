namespace NbaSim.Observability.Demo;

/// <summary>
/// A scraper-like worker: fetches a game, uploads the file to S3 (some uploads fail at the configured rate) and
/// validates records. Its hot methods carry [ProfilePerformance]; the weaving comes with the package reference.
/// </summary>
internal static class Scraper
{
    // Rollup = true: also published without Status, so the original design's dashboard query
    // ["NBA-Simulator/Performance", "DataExtractionDuration"] (no dimensions) has data.
    [ProfilePerformance("DataExtraction", Rollup = true)]
    public static async Task<int> ExtractGameAsync(HttpClient source, int game, bool fail)
    {
        // A real HTTP call: the System.Net.Http meter records it, and the Meter bridge publishes it.
        using var response = await source.GetAsync($"games/{game}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound || fail)
        {
            throw new InvalidDataException($"game {game}: box score incomplete ({(int)response.StatusCode})");
        }

        return (await response.Content.ReadAsByteArrayAsync()).Length;
    }

    [ProfilePerformance("S3Upload", Rollup = true)]
    public static async Task UploadAsync(int game, Random random, bool fail)
    {
        await Task.Delay(random.Next(1, 4));
        if (fail)
        {
            throw new IOException($"game {game}: upload to s3://nba-sim-raw-data-lake failed");
        }
    }

    [ProfilePerformance("Validation", Rollup = true)]
    public static void Validate(Random random, bool fail)
    {
        Thread.SpinWait(random.Next(10, 200));
        if (fail)
        {
            throw new InvalidDataException("validation failed");
        }
    }
}
