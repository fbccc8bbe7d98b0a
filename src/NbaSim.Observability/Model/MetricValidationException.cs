namespace NbaSim.Observability;

/// <summary>
/// Thrown when a namespace, metric name, dimension, unit, value or timestamp breaks a CloudWatch rule.
/// The message names the field, the offending value (truncated) and the limit.
/// </summary>
public sealed class MetricValidationException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The field that was rejected, e.g. <c>Dimension 'Bucket' value</c>.</param>
    /// <param name="message">The complete message.</param>
    public MetricValidationException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    /// <summary>The rejected field, e.g. <c>MetricName</c> or <c>Dimension 'Bucket' value</c>.</summary>
    public string Field { get; }
}
