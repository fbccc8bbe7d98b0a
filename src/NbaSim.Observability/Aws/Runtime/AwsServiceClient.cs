using Amazon.Runtime;
using Amazon.Runtime.Internal;
using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Aws;

/// <summary>A request of one of our AWS operations: it names its operation and writes its members to any protocol.</summary>
internal abstract class AwsRequest : AmazonWebServiceRequest
{
    internal abstract string Operation { get; }

    /// <summary>Body bytes before compression, set when the request is marshalled.</summary>
    internal long MarshalledBytes { get; set; }

    /// <summary>Whether the body may be gzip-compressed (PutMetricData, as the AWS SDKs do at 10,240 bytes and more).</summary>
    internal virtual bool MayCompress => false;

    internal abstract void Write(IShapeWriter writer);

    /// <summary>Writes the AWS JSON body; requests on a hot path override this with a direct writer.</summary>
    internal virtual void WriteJson(Utf8BodyWriter body)
    {
        using var json = new System.Text.Json.Utf8JsonWriter(body);
        json.WriteStartObject();
        Write(new JsonShapeWriter(json));
        json.WriteEndObject();
    }
}

/// <summary>A request whose answer is a <typeparamref name="TResponse"/>: the pairing every client call relies on.</summary>
internal abstract class AwsRequest<TResponse> : AwsRequest
    where TResponse : AwsResponse, new();

/// <summary>A client of one AWS service: it sends any of that service's requests and reads its answer.</summary>
internal interface IAwsClient : IDisposable
{
    /// <summary>Sends <paramref name="request"/> through AWSSDK.Core's pipeline (signing, retries, errors).</summary>
    Task<TResponse> SendAsync<TResponse>(AwsRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : AwsResponse, new();
}

/// <summary>A response of one of our AWS operations.</summary>
internal abstract class AwsResponse : AmazonWebServiceResponse
{
    /// <summary>The AWS request id, for support cases and logs.</summary>
    public string? RequestId => ResponseMetadata?.RequestId;

    internal virtual void Read(ShapeNode result)
    {
    }
}

/// <summary>
/// Base of our service clients: an <see cref="AmazonServiceClient"/> whose pipeline is AWSSDK.Core's own (credentials
/// chain, SigV4, standard retries with jittered backoff, clock-skew correction, timeouts), with our marshallers.
/// </summary>
internal abstract class AwsServiceClient : AmazonServiceClient, IAwsClient
{
    private readonly IServiceMetadata _metadata;
    private readonly Runtime.IAwsProtocol _protocol;

    private protected AwsServiceClient(AWSCredentials? credentials, Runtime.AwsServiceConfig config, Runtime.IAwsProtocol protocol)
        : base(credentials ?? Runtime.DefaultCredentials.Resolve(), Runtime.WireCounters.Attach(config))
    {
        _metadata = new Runtime.AwsServiceMetadata(config.ServiceId);
        _protocol = protocol;
        Counters = Runtime.WireCounters.Of(config);
    }

    /// <summary>HTTP attempts and bytes put on the wire by this client (retries included, after compression).</summary>
    public WireStatistics Counters { get; }

    /// <inheritdoc />
    protected override IServiceMetadata ServiceMetadata => _metadata;

    /// <inheritdoc />
    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.RemoveHandler<EndpointResolver>();
        pipeline.AddHandlerAfter<Marshaller>(new Runtime.AwsEndpointResolver());
        pipeline.AddHandlerAfter<Marshaller>(new Runtime.SigV4AuthResolver());
    }

    /// <inheritdoc cref="IAwsClient.SendAsync{TResponse}" />
    public Task<TResponse> SendAsync<TResponse>(AwsRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : AwsResponse, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new InvokeOptions
        {
            RequestMarshaller = _protocol.Marshaller,
            ResponseUnmarshaller = _protocol.Unmarshaller<TResponse>(request.Operation),
        };
        return SendCoreAsync<TResponse>(request, options, cancellationToken);
    }

    private async Task<TResponse> SendCoreAsync<TResponse>(AwsRequest<TResponse> request, InvokeOptions options, CancellationToken cancellationToken)
        where TResponse : AwsResponse, new()
    {
        var lease = new BodyLease();
        try
        {
            // The marshaller lends this call's body from the pool through the lease (BodyBuffers.CurrentLease): one per
            // call, so two calls of one request object never return each other's buffer.
            BodyBuffers.CurrentLease.Value = lease;
            return await InvokeAsync<TResponse>(request, options, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonUnmarshallingException ex)
        {
            // The SDK's message quotes the raw response body (escapes, forged log lines, any length): say what failed
            // in our words, and keep the body out of every message and log.
            throw new InvalidDataException($"The response to {request.Operation} (HTTP {(int)ex.StatusCode}) could not be read: {Internal.Redact.ServerText(ex.InnerException?.Message ?? "it is not what the operation returns")}");
        }
        finally
        {
            // Every attempt (retries included) has been sent or abandoned: the body's buffer goes back to the pool.
            lease.Release();
        }
    }
}

/// <summary>What a client has put on the wire.</summary>
internal sealed class WireStatistics
{
    private long _attempts;
    private long _bytes;

    /// <summary>HTTP requests sent, retries included.</summary>
    public long Attempts => Volatile.Read(ref _attempts);

    /// <summary>Request body bytes sent, after compression.</summary>
    public long BytesSent => Volatile.Read(ref _bytes);

    internal void Sent(long bytes)
    {
        Interlocked.Increment(ref _attempts);
        Interlocked.Add(ref _bytes, bytes);
    }
}
