using System.Runtime.CompilerServices;

namespace NbaSim.Observability.Demo;

/// <summary>A simulated nba-sim-raw-data-lake: 172,719 objects in 1,000-key pages, generated, never stored.</summary>
internal sealed class SimulatedS3ObjectLister : IS3ObjectLister
{
    public const int Objects = 172_719;

    public bool IsSimulated => true;

    public async IAsyncEnumerable<IReadOnlyList<S3ObjectEntry>> ListPagesAsync(string bucket, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string[] prefixes = ["box_scores/", "play_by_play/", "schedule/", "injuries/", "odds/"];
        for (var start = 0; start < Objects; start += 1000)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = new List<S3ObjectEntry>(1000);
            for (var i = start; i < Math.Min(Objects, start + 1000); i++)
            {
                page.Add(new S3ObjectEntry($"{prefixes[i % prefixes.Length]}{1996 + (i % 30)}/{i:D7}.json", 4_096 + (i * 7919 % 1_400_000)));
            }

            yield return page;
            await Task.Yield();
        }
    }
}

/// <summary>Simulated AWS cost: month-to-date cost growing from the $2.71/month baseline of the design.</summary>
internal sealed class SimulatedCostSource(TimeProvider time) : ICostSource
{
    public Task<decimal> GetCostAsync(DateInterval period, CancellationToken cancellationToken = default)
        => Task.FromResult(Math.Round(2.71m + (time.GetUtcNow().Day * 3.9m), 2));

    public Task<IReadOnlyDictionary<string, decimal>> GetCostByServiceAsync(DateInterval period, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyDictionary<string, decimal>>(new Dictionary<string, decimal>());

    public Task<decimal> GetForecastAsync(DateInterval period, CancellationToken cancellationToken = default)
        => Task.FromResult(40.00m);
}
