namespace NbaSim.Observability.Demo;

/// <summary>
/// A scraper-like worker: fetches a game, uploads the file to S3 (some uploads fail at the configured rate) and
/// validates records. Its hot methods carry [ProfilePerformance]; the weaving comes with the package reference.
/// </summary>
internal static class Scraper
{
    [ProfilePerformance("DataExtraction")]
    public static async Task<int> ExtractGameAsync(int game, Random random, bool fail)
    {
        await Task.Delay(random.Next(1, 6));
        return fail ? throw new InvalidDataException($"game {game}: box score incomplete") : game;
    }

    [ProfilePerformance("S3Upload")]
    public static async Task UploadAsync(int game, Random random, bool fail)
    {
        await Task.Delay(random.Next(1, 4));
        if (fail)
        {
            throw new IOException($"game {game}: upload to s3://nba-sim-raw-data-lake failed");
        }
    }

    [ProfilePerformance("Validation")]
    public static void Validate(Random random, bool fail)
    {
        Thread.SpinWait(random.Next(10, 200));
        if (fail)
        {
            throw new InvalidDataException("validation failed");
        }
    }
}
