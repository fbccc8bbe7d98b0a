using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using NbaSim.Observability.Aws.CostExplorer;
using NbaSim.Observability.Publishers;

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

/// <summary>A simulated Cost Explorer: month-to-date cost growing from the $2.71/month baseline of the design.</summary>
internal sealed class SimulatedCostExplorerClient(TimeProvider time) : ICostExplorerClient
{
    public Task<GetCostAndUsageResponse> GetCostAndUsageAsync(GetCostAndUsageRequest request, CancellationToken cancellationToken = default)
    {
        var day = time.GetUtcNow().Day;
        var amount = Math.Round(2.71m + (day * 3.9m), 2);
        object body = request.GroupBy.Count == 0
            ? new
            {
                ResultsByTime = new[]
                {
                    new
                    {
                        TimePeriod = new { Start = request.TimePeriod.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), End = request.TimePeriod.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
                        Total = new { UnblendedCost = new { Amount = amount.ToString(CultureInfo.InvariantCulture), Unit = "USD" } },
                        Estimated = true,
                    },
                },
            }
            : new { ResultsByTime = Array.Empty<object>() };
        var json = JsonSerializer.Serialize(body);
        return Task.FromResult(Parse<GetCostAndUsageResponse>(json));
    }

    public Task<GetCostForecastResponse> GetCostForecastAsync(GetCostForecastRequest request, CancellationToken cancellationToken = default)
        => Task.FromResult(Parse<GetCostForecastResponse>("{\"Total\":{\"Amount\":\"40.00\",\"Unit\":\"USD\"}}"));

    public void Dispose()
    {
    }

    private static T Parse<T>(string json)
        where T : Aws.AwsResponse, new()
        => Aws.AwsResponseParser.ParseJson<T>(json);
}
