namespace NbaSim.Observability;

/// <summary>How requests to CloudWatch are encoded.</summary>
public enum CloudWatchProtocol
{
    /// <summary>AWS JSON 1.0 (<c>X-Amz-Target: GraniteServiceVersion20100801.*</c>): about half the bytes of awsQuery for distributions.</summary>
    Json,

    /// <summary>awsQuery: form-encoded parameters, XML responses.</summary>
    Query,
}
