using OpenTelemetry.Proto.Metrics.V1;

namespace NbaSim.Observability.Tests.Export.Otlp;

/// <summary>
/// histogram_quantile over a native (exponential) histogram, as Prometheus 3 computes it
/// (promql/quantile.go, HistogramQuantile): find the bucket holding rank q·count, interpolate exponentially within it
/// (linear in log space, the "exponential interpolation" for standard exponential schemas). Written from the
/// algorithm's description, independent of the encoder.
/// </summary>
internal static class PrometheusQuantile
{
    public static double Of(ExponentialHistogramDataPoint point, double q)
    {
        var buckets = Buckets(point).ToList();
        var total = buckets.Sum(b => b.Count);
        var rank = q * total;
        double cumulative = 0;
        foreach (var (lower, upper, count) in buckets)
        {
            if (count == 0)
            {
                continue;
            }

            if (cumulative + count >= rank)
            {
                var fraction = (rank - cumulative) / count;
                if (lower <= 0 || upper <= 0)
                {
                    // The zero bucket and negative buckets: linear.
                    return lower + ((upper - lower) * fraction);
                }

                return Math.Exp(Math.Log(lower) + ((Math.Log(upper) - Math.Log(lower)) * fraction));
            }

            cumulative += count;
        }

        return buckets.Count == 0 ? double.NaN : buckets[^1].Upper;
    }

    /// <summary>Every bucket in ascending value order: negative, zero, positive; bounds per the OTLP data model.</summary>
    public static IEnumerable<(double Lower, double Upper, double Count)> Buckets(ExponentialHistogramDataPoint point)
    {
        var scale = point.Scale;
        var bases = Math.Pow(2, Math.Pow(2, -scale));
        if (point.Negative is { } negative)
        {
            for (var i = negative.BucketCounts.Count - 1; i >= 0; i--)
            {
                var index = negative.Offset + i;
                yield return (-Math.Pow(bases, index + 1), -Math.Pow(bases, index), negative.BucketCounts[i]);
            }
        }

        if (point.ZeroCount > 0)
        {
            yield return (-point.ZeroThreshold, point.ZeroThreshold, point.ZeroCount);
        }

        if (point.Positive is { } positive)
        {
            for (var i = 0; i < positive.BucketCounts.Count; i++)
            {
                var index = positive.Offset + i;
                yield return (Math.Pow(bases, index), Math.Pow(bases, index + 1), positive.BucketCounts[i]);
            }
        }
    }

    /// <summary>The exact q-quantile of the samples, by Prometheus's own rank (q·n), for comparison.</summary>
    public static double Exact(double[] sorted, double q)
    {
        var rank = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
