using NbaSim.Observability.Export.Otlp;

namespace NbaSim.Observability.Cli.Cost;

/// <summary>
/// What the same series would cost a month on CloudWatch's OTel path: ingestion per GB of points (measured with the
/// OTLP exporter's own writer), no per-metric and no per-call charge; the alarms as on Classic.
/// </summary>
internal sealed record OtelPathCost(long PointsPerMonth, long BytesPerMonth, decimal AlarmsUsd, string Basis)
{
    public decimal IngestionUsd => Math.Round(BytesPerMonth / 1_000_000_000m * CostPrices.OtelIngestedGb, 2);

    public decimal TotalUsd => IngestionUsd + AlarmsUsd;

    /// <summary>A distribution point is measured holding two powers of two of values (128 recording buckets).</summary>
    internal const int DistributionOctaves = 2;

    /// <summary>
    /// Measures one point of each series with the exporter's writer and multiplies by the points a month brings: one per
    /// period per series (60 s; 1 s for the namespaces' high-resolution series), as the exporter sends a series' totals
    /// once per period it has data.
    /// </summary>
    public static OtelPathCost Estimate(IReadOnlyList<MetricIdentity> series, IReadOnlyDictionary<string, int> highResolutionPerNamespace, IReadOnlySet<string> distributionNames, decimal alarmsUsd, DateTimeOffset now)
    {
        var resource = OtlpBilledBytes.ResourceBytes("nba-simulator");
        long points = 0;
        long bytes = 0;
        foreach (var group in series.GroupBy(s => s.Namespace, StringComparer.Ordinal))
        {
            var highResolution = Math.Min(highResolutionPerNamespace.GetValueOrDefault(group.Key), group.Count());
            var index = 0;
            foreach (var s in group)
            {
                var perMonth = index++ < highResolution ? CostPrices.SecondsPerMonth : CostPrices.SecondsPerMonth / 60;
                points += perMonth;
                bytes += (long)perMonth * OtlpBilledBytes.PerPoint(Datum(s, distributionNames.Contains(s.MetricName), now), resource, now);
            }
        }

        var basis = series.Count == 0
            ? "no metric of this product in CloudWatch yet"
            : string.Create(CultureInfo.InvariantCulture, $"{series.Count} series, each point measured with the OTLP writer (name, labels, resource, timestamps, value; a distribution with {DistributionOctaves} powers of two of values), one point per series per period, ${CostPrices.OtelIngestedGb}/GB");
        return new OtelPathCost(points, bytes, alarmsUsd, basis);
    }

    private static MetricDatum Datum(MetricIdentity s, bool distribution, DateTimeOffset now)
    {
        var at = now.AddMinutes(-1);
        var dimensions = s.Dimensions.ToArray();
        if (!distribution)
        {
            return new MetricDatum(s.Namespace, s.MetricName, dimensions, MetricUnit.Count, at, 60, 1, null, null, null) { Kind = MetricKind.Counter };
        }

        // The representatives of a recording histogram over two powers of two: 64 buckets in each, as a
        // DistributionSeries hands them over.
        var values = Enumerable.Range(0, 64 * DistributionOctaves).Select(i => Math.ScaleB(1 + (((i % 64) + 0.5) / 64), i / 64)).ToArray();
        var counts = values.Select(_ => 3d).ToArray();
        var stats = new StatisticSet(counts.Sum(), values.Sum() * 3, values[0], values[^1]);
        return new MetricDatum(s.Namespace, s.MetricName, dimensions, MetricUnit.Seconds, at, 60, null, stats, values, counts) { Kind = MetricKind.Distribution };
    }
}
