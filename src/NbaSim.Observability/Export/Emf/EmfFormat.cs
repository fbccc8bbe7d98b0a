namespace NbaSim.Observability;

/// <summary>How <see cref="EmfSerializer"/> writes a metric's value.</summary>
public enum EmfFormat
{
    /// <summary>
    /// The default. Counters and distributions are written as objects, <c>{"Max","Min","Count","Sum"}</c> and
    /// <c>{"Values","Counts","Max","Min","Count","Sum"}</c>: the form AWS's own EMF exporter writes
    /// (OpenTelemetry collector contrib, <c>awsemfexporter</c>), which CloudWatch extracts with exact SampleCount, Sum,
    /// Minimum and Maximum. The published EMF specification does not list it: it says a metric value is a number or an
    /// array of numbers.
    /// </summary>
    Exact = 0,

    /// <summary>
    /// Only the forms the published EMF specification documents: single values and counters as numbers, distributions as
    /// arrays of at most 100 numbers. A counter is written as its Sum (SampleCount, Minimum and Maximum are lost: the
    /// metric shows one sample per period). A distribution is written as its values, each repeated in proportion to its
    /// count: the total count rounded to whole samples (at least 1, at most
    /// <see cref="EmfSerializer.MaxStrictSamplesPerDatum"/>, 1,000), shared out by largest remainder. Above 1,000 samples
    /// SampleCount and Sum are scaled down; Sums are those of the representative values, not the exact ones. Expect up to
    /// 10 documents per distribution per period, so about ten times the log bytes (CloudWatch Logs ingestion is billed per
    /// GB) of <see cref="Exact"/>.
    /// </summary>
    Strict = 1,
}
