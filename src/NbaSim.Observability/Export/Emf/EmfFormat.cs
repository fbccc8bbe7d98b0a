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
    /// metric shows one sample per period). A distribution is written as its values, each repeated by its count (counts
    /// rounded to whole samples), over as many documents as needed; above 10,000 samples per datum the counts are scaled
    /// down to 10,000, so SampleCount and Sum become approximate. Sums are those of the representative values, not the
    /// exact ones.
    /// </summary>
    Strict = 1,
}
