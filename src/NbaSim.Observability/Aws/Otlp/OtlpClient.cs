using System.Net;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
using NbaSim.Observability.Aws.Protocol;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Aws.Otlp;

/// <summary>Configuration of the OTLP client: signing name <c>monitoring</c>, endpoint <c>https://monitoring.{region}.amazonaws.com</c>.</summary>
internal sealed class OtlpClientConfig : AwsServiceConfig
{
    public OtlpClientConfig()
        : base("CloudWatch OTLP", "monitoring", "monitoring", "v1")
    {
    }

    /// <summary>The path metrics are posted to. Default <c>/v1/metrics</c>.</summary>
    public string MetricsPath { get; set; } = "/v1/metrics";

    /// <summary>A bearer token sent in <c>Authorization</c> instead of a SigV4 signature; null signs with SigV4.</summary>
    public string? BearerToken { get; set; }
}

/// <summary>
/// CloudWatch's OTLP metrics endpoint on AWSSDK.Core's runtime: credentials chain, SigV4 over the bytes sent (the
/// gzip body), standard retries with jittered backoff, clock-skew correction, bounded responses.
/// </summary>
internal sealed class OtlpClient : AwsServiceClient
{
    public OtlpClient(AWSCredentials? credentials, OtlpClientConfig config)
        : base(config.BearerToken is null ? credentials : new AnonymousAWSCredentials(), config, new OtlpProtocol(config))
    {
    }

    /// <summary>Posts one serialized <c>ExportMetricsServiceRequest</c>.</summary>
    public Task<OtlpExportResponse> ExportAsync(OtlpExportRequest request, CancellationToken cancellationToken)
        => SendAsync(request, cancellationToken);
}

/// <summary>One OTLP export: the serialized, uncompressed request (a pooled buffer the caller owns until the call ends).</summary>
internal sealed class OtlpExportRequest(Utf8BodyWriter body, bool compress) : AwsRequest<OtlpExportResponse>
{
    internal override string Operation => "Export";

    public Utf8BodyWriter Body { get; } = body;

    public bool Compress { get; } = compress;

    /// <summary>Bytes on the wire (after gzip), set when marshalled.</summary>
    public long WireBytes { get; set; }

    internal override void Write(IShapeWriter writer) => throw new NotSupportedException("An OTLP request is protobuf; it has no AWS shape.");
}

/// <summary>The endpoint's answer: <c>ExportMetricsServiceResponse.partial_success</c>, when some points were rejected.</summary>
internal sealed class OtlpExportResponse : AwsResponse
{
    /// <summary>Data points the endpoint rejected (0 when all were accepted).</summary>
    public long RejectedDataPoints { get; set; }

    /// <summary>Why, in the endpoint's words (bounded and cleaned); null when none.</summary>
    public string? ErrorMessage { get; set; }
}

/// <summary>OTLP/HTTP protobuf: <c>POST {path}</c>, <c>application/x-protobuf</c>, gzip; answers and errors in protobuf.</summary>
internal sealed class OtlpProtocol(OtlpClientConfig config) : IAwsProtocol, IMarshaller<IRequest, AmazonWebServiceRequest>
{
    public IMarshaller<IRequest, AmazonWebServiceRequest> Marshaller => this;

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var request = (OtlpExportRequest)input;
        var marshalled = new DefaultRequest(request, "CloudWatch OTLP")
        {
            HttpMethod = "POST",
            ResourcePath = config.MetricsPath,
        };
        request.MarshalledBytes = request.Body.Length;
        marshalled.Headers["Content-Type"] = "application/x-protobuf";
        if (config.BearerToken is { } token)
        {
            marshalled.Headers["Authorization"] = "Bearer " + token;
        }

        if (!request.Compress)
        {
            request.WireBytes = request.Body.Length;
            marshalled.Content = request.Body.ToArray();
            return marshalled;
        }

        // Compressed before signing (the signature covers the bytes sent), into a pooled buffer lent to this call.
        var sent = BodyBuffers.Rent();
        GzipBody.Compress(request.Body.WrittenSpan, sent);
        marshalled.Headers["Content-Encoding"] = "gzip";
        request.WireBytes = sent.Length;
        if (BodyBuffers.CurrentLease.Value is { } lease && lease.TryHold(sent))
        {
            marshalled.ContentStream = sent.OpenRead();
        }
        else
        {
            marshalled.Content = sent.ToArray();
            BodyBuffers.Return(sent);
        }

        return marshalled;
    }

    public ResponseUnmarshaller Unmarshaller<TResponse>(string operation)
        where TResponse : AwsResponse, new() => new ProtobufUnmarshaller();

    private sealed class ProtobufUnmarshaller : JsonResponseUnmarshaller
    {
        public override AmazonWebServiceResponse Unmarshall(JsonUnmarshallerContext context)
        {
            var body = ResponseLimits.ReadResponseBody(context.Stream);
            var response = new OtlpExportResponse();
            var partial = ProtobufReader.Field(body, 1); // partial_success
            if (!partial.IsEmpty)
            {
                response.RejectedDataPoints = (long)ProtobufReader.Varint(partial, 1);
                var message = ProtobufReader.Field(partial, 2);
                response.ErrorMessage = message.IsEmpty ? null : Internal.Redact.ServerText(System.Text.Encoding.UTF8.GetString(message));
            }

            return response;
        }

        public override AmazonServiceException UnmarshallException(JsonUnmarshallerContext context, Exception innerException, HttpStatusCode statusCode)
        {
            var body = ResponseLimits.ReadErrorBody(context.Stream);
            var contentType = context.ResponseData?.GetHeaderValue("Content-Type") ?? string.Empty;
            string? message;
            if (contentType.Contains("protobuf", StringComparison.OrdinalIgnoreCase))
            {
                // OTLP/HTTP: a google.rpc.Status, whose field 2 is the message.
                var text = ProtobufReader.Field(body, 2);
                message = text.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(text);
            }
            else
            {
                message = body.Length == 0 ? null : System.Text.Encoding.UTF8.GetString(body);
            }

            var code = (int)statusCode switch
            {
                429 => "TooManyRequestsException",
                503 => "ServiceUnavailable",
                _ => null,
            };
            var error = AwsApiException.Create(code, message, null, context.ResponseData?.GetHeaderValue("x-amzn-RequestId"), statusCode, innerException, context.ResponseData?.GetHeaderValue("Location"));
            error.RetryAfter = RetryAfter(context.ResponseData?.GetHeaderValue("Retry-After"));
            return error;
        }

        /// <summary>Retry-After in seconds or as an HTTP date; null when absent or unreadable; at most 5 minutes.</summary>
        private static TimeSpan? RetryAfter(string? header)
        {
            if (string.IsNullOrWhiteSpace(header))
            {
                return null;
            }

            TimeSpan? wait = int.TryParse(header, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds)
                : DateTimeOffset.TryParse(header, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at - DateTimeOffset.UtcNow
                : null;
            return wait is { } w ? TimeSpan.FromTicks(Math.Clamp(w.Ticks, 0, MaxRetryAfter.Ticks)) : null;
        }
    }

    /// <summary>The longest Retry-After honoured: a server cannot park the exporter for longer.</summary>
    internal static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(5);
}
