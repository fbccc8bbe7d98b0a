namespace NbaSim.Observability;

/// <summary>
/// One CloudWatch datum: a metric identity, a timestamp, and exactly one of a single value, a statistic set
/// (optionally with a Values/Counts distribution), or a Values/Counts distribution.
/// </summary>
public sealed class MetricDatum
{
    private static readonly MetricDimension[] NoDimensions = [];

    internal MetricDatum(
        string ns,
        string metricName,
        MetricDimension[] dimensions,
        MetricUnit unit,
        DateTimeOffset timestamp,
        int storageResolution,
        double? value,
        StatisticSet? statisticValues,
        double[]? values,
        double[]? counts)
    {
        Namespace = ns;
        MetricName = metricName;

        // Read-only views, not the arrays: a caller cannot change a datum after it was measured (its kept JSON bytes,
        // its batch size) by casting a list back to the array it is.
        Dimensions = Array.AsReadOnly(dimensions);
        RawDimensions = dimensions;
        Unit = unit;
        Timestamp = timestamp;
        StorageResolution = storageResolution;
        Value = value;
        StatisticValues = statisticValues;
        RawValues = values;
        RawCounts = counts;
        Values = values is null ? null : Array.AsReadOnly(values);
        Counts = counts is null ? null : Array.AsReadOnly(counts);
    }

    /// <summary>The array behind <see cref="Dimensions"/> (shared by every datum of one series); never handed out.</summary>
    internal MetricDimension[] RawDimensions { get; }

    /// <summary>
    /// The kind of the series that produced this datum, or null for a datum built by the caller
    /// (<see cref="INbaMetrics.Enqueue(MetricDatum)"/>). Classic ignores it; OTLP maps a counter to a monotonic Sum,
    /// a gauge to a Gauge and a distribution to a histogram, which the datum's shape alone cannot tell apart (an idle
    /// counter's zero is a single value, as a gauge's is).
    /// </summary>
    internal MetricKind? Kind { get; init; }

    /// <summary>
    /// True for a rollup's merged datum (its series' datums added up without some dimensions, for Classic). OTLP skips
    /// it: PromQL sums over labels itself, and the merged series beside the detailed ones would count every sample twice.
    /// </summary>
    internal bool IsMergedRollup { get; init; }

    /// <summary>The array behind <see cref="Values"/>, for the serializers' spans; never handed out.</summary>
    internal double[]? RawValues { get; }

    /// <summary>The array behind <see cref="Counts"/>, for the serializers' spans; never handed out.</summary>
    internal double[]? RawCounts { get; }

    /// <summary>The CloudWatch namespace.</summary>
    public string Namespace { get; }

    /// <summary>The metric name.</summary>
    public string MetricName { get; }

    /// <summary>The dimensions, in the order they were declared.</summary>
    public IReadOnlyList<MetricDimension> Dimensions { get; }

    /// <summary>The unit.</summary>
    public MetricUnit Unit { get; }

    /// <summary>Start of the aggregation period (or the moment of a single value), UTC.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>1 for high resolution, 60 for standard.</summary>
    public int StorageResolution { get; }

    /// <summary>A single value, or <see langword="null"/>.</summary>
    public double? Value { get; }

    /// <summary>The exact statistics of the period, or <see langword="null"/>.</summary>
    public StatisticSet? StatisticValues { get; }

    /// <summary>Distinct (representative) values of a distribution, or <see langword="null"/>.</summary>
    public IReadOnlyList<double>? Values { get; }

    /// <summary>How often each of <see cref="Values"/> occurred, or <see langword="null"/>.</summary>
    public IReadOnlyList<double>? Counts { get; }

    /// <summary>
    /// The dimensions of the aggregate this datum also counts toward (its series' rollup), or null. EMF writes it as a
    /// second dimension set of the same document; PutMetricData gets explicit merged datums instead.
    /// </summary>
    internal MetricDimension[]? Rollup { get; init; }

    /// <summary>
    /// This datum's PutMetricData JSON object, kept from the first time the exporter measured it, so the request body
    /// copies these bytes instead of serializing the datum a second time (and a re-leased datum is not measured again).
    /// A datum is immutable, so the bytes stay right; a derived datum (<see cref="PieceOf"/>, <see cref="WithRollup"/>) starts without.
    /// </summary>
    internal byte[]? JsonFragment;

    /// <summary>This datum, no longer marked as counting toward a rollup (its merged rollup datum exists separately).</summary>
    internal MetricDatum WithRollup(MetricDimension[] rollup)
        => new(Namespace, MetricName, [.. Dimensions], Unit, Timestamp, StorageResolution, Value, StatisticValues, Values is null ? null : [.. Values], Counts is null ? null : [.. Counts]) { Rollup = rollup, Kind = Kind };

    /// <summary>A piece of this distribution (what one EMF document carried of it), as a datum of its own.</summary>
    internal MetricDatum PieceOf(StatisticSet? statistics, double[] values, double[]? counts)
        => new(Namespace, MetricName, [.. Dimensions], Unit, Timestamp, StorageResolution, null, statistics, [.. values], counts is null ? null : [.. counts]) { Rollup = Rollup, Kind = Kind };

    internal MetricDatum WithoutRollup()
        => Rollup is null ? this : new(Namespace, MetricName, [.. Dimensions], Unit, Timestamp, StorageResolution, Value, StatisticValues, Values is null ? null : [.. Values], Counts is null ? null : [.. Counts]) { Kind = Kind };

    /// <summary>Creates a single-value datum, validated against CloudWatch's rules.</summary>
    /// <param name="ns">Namespace.</param>
    /// <param name="metricName">Metric name.</param>
    /// <param name="value">The value.</param>
    /// <param name="unit">Unit.</param>
    /// <param name="timestamp">Timestamp; must be within 14 days before and 2 hours after <paramref name="now"/>.</param>
    /// <param name="dimensions">Dimensions (up to 30).</param>
    /// <param name="storageResolution">1 or 60.</param>
    /// <param name="now">The current time used to check <paramref name="timestamp"/>; defaults to the system clock.</param>
    /// <exception cref="MetricValidationException">A field breaks a CloudWatch rule.</exception>
    public static MetricDatum CreateValue(
        string ns,
        string metricName,
        double value,
        MetricUnit unit,
        DateTimeOffset timestamp,
        IReadOnlyList<MetricDimension>? dimensions = null,
        int storageResolution = 60,
        DateTimeOffset? now = null)
    {
        var dims = ValidateIdentity(ns, metricName, unit, dimensions, storageResolution, timestamp, now);
        MetricValidator.ValidateValue(value);
        return new MetricDatum(ns, metricName, dims, unit, timestamp, storageResolution, value, null, null, null);
    }

    /// <summary>Creates a statistic-set datum, optionally with a Values/Counts distribution, validated against CloudWatch's rules.</summary>
    /// <param name="ns">Namespace.</param>
    /// <param name="metricName">Metric name.</param>
    /// <param name="statistics">The statistic set; SampleCount must be positive and Minimum ≤ Maximum.</param>
    /// <param name="unit">Unit.</param>
    /// <param name="timestamp">Timestamp.</param>
    /// <param name="dimensions">Dimensions.</param>
    /// <param name="values">Optional distinct values (at most 150).</param>
    /// <param name="counts">Optional counts, same length as <paramref name="values"/>.</param>
    /// <param name="storageResolution">1 or 60.</param>
    /// <param name="now">The current time used to check <paramref name="timestamp"/>.</param>
    /// <exception cref="MetricValidationException">A field breaks a CloudWatch rule.</exception>
    public static MetricDatum CreateStatistics(
        string ns,
        string metricName,
        StatisticSet statistics,
        MetricUnit unit,
        DateTimeOffset timestamp,
        IReadOnlyList<MetricDimension>? dimensions = null,
        IReadOnlyList<double>? values = null,
        IReadOnlyList<double>? counts = null,
        int storageResolution = 60,
        DateTimeOffset? now = null)
    {
        var dims = ValidateIdentity(ns, metricName, unit, dimensions, storageResolution, timestamp, now);
        MetricValidator.ValidateValue(statistics.SampleCount, "StatisticValues.SampleCount");
        MetricValidator.ValidateValue(statistics.Sum, "StatisticValues.Sum");
        MetricValidator.ValidateValue(statistics.Minimum, "StatisticValues.Minimum");
        MetricValidator.ValidateValue(statistics.Maximum, "StatisticValues.Maximum");
        if (statistics.SampleCount <= 0)
        {
            throw new MetricValidationException("StatisticValues.SampleCount", $"StatisticValues.SampleCount is {statistics.SampleCount}; CloudWatch requires more than 0.");
        }

        if (statistics.Minimum > statistics.Maximum)
        {
            throw new MetricValidationException("StatisticValues.Minimum", $"StatisticValues.Minimum is {statistics.Minimum}, above Maximum {statistics.Maximum}.");
        }

        var (v, c) = ValidateDistribution(values, counts);
        if (v is not null)
        {
            ValidateAgreement(statistics, v, c);
        }

        return new MetricDatum(ns, metricName, dims, unit, timestamp, storageResolution, null, statistics, v, c);
    }

    /// <summary>Creates a Values/Counts datum, validated against CloudWatch's rules.</summary>
    /// <exception cref="MetricValidationException">A field breaks a CloudWatch rule.</exception>
    public static MetricDatum CreateDistribution(
        string ns,
        string metricName,
        IReadOnlyList<double> values,
        IReadOnlyList<double>? counts,
        MetricUnit unit,
        DateTimeOffset timestamp,
        IReadOnlyList<MetricDimension>? dimensions = null,
        int storageResolution = 60,
        DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var dims = ValidateIdentity(ns, metricName, unit, dimensions, storageResolution, timestamp, now);
        if (values.Count == 0)
        {
            throw new MetricValidationException("Values", "Values is empty; CloudWatch requires 1 to 150 values.");
        }

        var (v, c) = ValidateDistribution(values, counts);
        return new MetricDatum(ns, metricName, dims, unit, timestamp, storageResolution, null, null, v, c);
    }

    /// <summary>Number of entries this datum contributes to CloudWatch's per-request datum limit (always 1).</summary>
    internal int ValueCount => Values?.Count ?? 1;

    internal double SampleCount => StatisticValues?.SampleCount ?? (Counts is { } c ? c.Sum() : Values?.Count ?? 1);

    /// <inheritdoc />
    public override string ToString()
        => $"{Namespace}/{MetricName}{(Dimensions.Count == 0 ? string.Empty : "{" + string.Join(",", Dimensions) + "}")} @ {Timestamp.UtcDateTime:O}";

    private static MetricDimension[] ValidateIdentity(
        string ns, string metricName, MetricUnit unit, IReadOnlyList<MetricDimension>? dimensions, int storageResolution, DateTimeOffset timestamp, DateTimeOffset? now)
    {
        MetricValidator.ValidateNamespace(ns);
        MetricValidator.ValidateMetricName(metricName);
        MetricValidator.ValidateUnit(unit);
        MetricValidator.ValidateDimensions(dimensions);
        MetricValidator.ValidateDistinctNames(metricName, dimensions);
        MetricValidator.ValidateStorageResolution(storageResolution);
        MetricValidator.ValidateTimestamp(timestamp, now ?? DateTimeOffset.UtcNow);
        return dimensions is null || dimensions.Count == 0 ? NoDimensions : [.. dimensions];
    }

    /// <summary>
    /// Values/Counts given with a statistic set must describe the same samples: EMF takes SampleCount from the counts and
    /// needs every value within [Minimum, Maximum], or the document's statistics contradict its values.
    /// </summary>
    private static void ValidateAgreement(StatisticSet statistics, double[] values, double[]? counts)
    {
        var total = 0d;
        for (var i = 0; i < values.Length; i++)
        {
            var count = counts?[i] ?? 1;
            total += count;
            if (count > 0 && (values[i] < statistics.Minimum || values[i] > statistics.Maximum))
            {
                throw new MetricValidationException($"Values[{i}]", $"Values[{i}] is {values[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, outside StatisticValues [Minimum {statistics.Minimum.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, Maximum {statistics.Maximum.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}]; the values and the statistic set must describe the same samples, which only values within the bounds do.");
            }
        }

        if (Math.Abs(total - statistics.SampleCount) > 1e-9 * Math.Max(1, statistics.SampleCount))
        {
            throw new MetricValidationException("Counts", $"Counts add up to {total.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} but StatisticValues.SampleCount is {statistics.SampleCount.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; EMF takes the sample count from Counts, so it requires the two to agree.");
        }
    }

    private static (double[]? Values, double[]? Counts) ValidateDistribution(IReadOnlyList<double>? values, IReadOnlyList<double>? counts)
    {
        if (values is null)
        {
            if (counts is not null)
            {
                throw new MetricValidationException("Counts", "Counts is set without Values; CloudWatch requires Values with Counts.");
            }

            return (null, null);
        }

        if (values.Count > MetricLimits.MaxValuesPerDatum)
        {
            throw new MetricValidationException("Values", $"Values has {values.Count} entries; CloudWatch allows {MetricLimits.MaxValuesPerDatum}.");
        }

        if (counts is not null && counts.Count != values.Count)
        {
            throw new MetricValidationException("Counts", $"Counts has {counts.Count} entries but Values has {values.Count}; CloudWatch requires the same number.");
        }

        for (var i = 0; i < values.Count; i++)
        {
            MetricValidator.ValidateValue(values[i], $"Values[{i}]");
            if (counts is not null)
            {
                MetricValidator.ValidateValue(counts[i], $"Counts[{i}]");
                if (counts[i] < 0)
                {
                    throw new MetricValidationException($"Counts[{i}]", $"Counts[{i}] is {counts[i]}; CloudWatch requires counts of 0 or more.");
                }
            }
        }

        return ([.. values], counts is null ? null : [.. counts]);
    }
}
