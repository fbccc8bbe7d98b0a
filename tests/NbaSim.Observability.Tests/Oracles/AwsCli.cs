using System.Diagnostics;
using System.Text.Json;

namespace NbaSim.Observability.Tests.Oracles;

/// <summary>
/// aws-cli v1 (botocore) against moto: an oracle that shares no code with ours, to read back what a server stored.
/// </summary>
internal static class AwsCli
{
    public static async Task<JsonDocument> RunAsync(string endpoint, params string[] arguments)
    {
        Infrastructure.RequiredTool.Require("aws", "aws-cli (apt-get install awscli)");
        var start = new ProcessStartInfo("aws")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--endpoint-url");
        start.ArgumentList.Add(endpoint);
        start.ArgumentList.Add("--output");
        start.ArgumentList.Add("json");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing-secret-key";
        start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("aws did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"aws {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        }

        return JsonDocument.Parse(await stdout);
    }

    /// <summary>SampleCount, Sum, Minimum, Maximum of one metric over one hour-long period around <paramref name="at"/>, as CloudWatch's API returns them.</summary>
    public static async Task<(double SampleCount, double Sum, double Minimum, double Maximum)> StatisticsAsync(
        string endpoint, string ns, string metricName, DateTimeOffset at, params (string Name, string Value)[] dimensions)
    {
        var args = new List<string>
        {
            "cloudwatch", "get-metric-statistics", "--namespace", ns, "--metric-name", metricName,
            "--start-time", at.AddHours(-1).ToString("O"), "--end-time", at.AddHours(1).ToString("O"), "--period", "7200",
            "--statistics", "SampleCount", "Sum", "Minimum", "Maximum",
        };
        if (dimensions.Length > 0)
        {
            args.Add("--dimensions");
            args.AddRange(dimensions.Select(d => $"Name={d.Name},Value={d.Value}"));
        }

        using var result = await RunAsync(endpoint, [.. args]);
        var points = result.RootElement.GetProperty("Datapoints");
        if (points.GetArrayLength() != 1)
        {
            throw new InvalidOperationException($"expected one datapoint for {ns}/{metricName}, got {points.GetArrayLength()}: {points}");
        }

        var p = points[0];
        return (p.GetProperty("SampleCount").GetDouble(), p.GetProperty("Sum").GetDouble(), p.GetProperty("Minimum").GetDouble(), p.GetProperty("Maximum").GetDouble());
    }

    /// <summary>Every raw sample moto stored for a metric (moto expands Values × Counts into single samples).</summary>
    public static async Task<List<double>> MotoStoredSamplesAsync(string endpoint, string ns, string metricName)
    {
        using var http = new HttpClient();
        using var data = JsonDocument.Parse(await http.GetStringAsync(endpoint.TrimEnd('/') + "/moto-api/data.json"));
        return data.RootElement.GetProperty("cloudwatch").GetProperty("MetricDatum").EnumerateArray()
            .Where(d => d.GetProperty("namespace").GetString() == ns && d.GetProperty("name").GetString() == metricName)
            .Select(d => d.GetProperty("value").GetDouble())
            .ToList();
    }
}
