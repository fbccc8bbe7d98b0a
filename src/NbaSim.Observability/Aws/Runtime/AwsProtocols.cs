using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
using Amazon.Runtime.Internal.Util;
using NbaSim.Observability.Aws.Protocol;

namespace NbaSim.Observability.Aws.Runtime;

/// <summary>A wire protocol: how requests are marshalled and responses (and errors) unmarshalled.</summary>
internal interface IAwsProtocol
{
    IMarshaller<IRequest, AmazonWebServiceRequest> Marshaller { get; }

    ResponseUnmarshaller Unmarshaller<TResponse>(string operation)
        where TResponse : AwsResponse, new();
}

/// <summary>awsQuery: form-encoded POST, XML responses, <c>&lt;ErrorResponse&gt;</c> errors (CloudWatch, SNS).</summary>
internal sealed class AwsQueryProtocol(string serviceName, string apiVersion) : IAwsProtocol, IMarshaller<IRequest, AmazonWebServiceRequest>
{
    public IMarshaller<IRequest, AmazonWebServiceRequest> Marshaller => this;

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var request = (AwsRequest)input;
        var marshalled = new DefaultRequest(request, serviceName)
        {
            HttpMethod = "POST",
            ResourcePath = "/",
            Content = Encoding.UTF8.GetBytes(FormBody(request)),
        };
        request.MarshalledBytes = marshalled.Content.Length;
        marshalled.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        if (request.MayCompress)
        {
            // AWSSDK.Core's CompressionHandler gzips the body at RequestMinCompressionSizeBytes (10,240 by default)
            // and above, before signing, and sets Content-Encoding: gzip.
            CompressionAlgorithmUtils.SetCompressionAlgorithm(marshalled, CompressionEncodingAlgorithm.gzip);
        }

        return marshalled;
    }

    /// <summary>The form body of <paramref name="request"/>, as sent before compression.</summary>
    public string FormBody(AwsRequest request)
    {
        var writer = new QueryShapeWriter();
        request.Write(writer);
        return QueryShapeWriter.FormBody([new("Action", request.Operation), new("Version", apiVersion), .. writer.Parameters]);
    }

    public ResponseUnmarshaller Unmarshaller<TResponse>(string operation)
        where TResponse : AwsResponse, new() => new QueryUnmarshaller<TResponse>(operation);

    private sealed class QueryUnmarshaller<TResponse>(string operation) : XmlResponseUnmarshaller
        where TResponse : AwsResponse, new()
    {
        public override AmazonWebServiceResponse Unmarshall(XmlUnmarshallerContext context)
        {
            var root = Parse(ResponseLimits.ReadResponseBody(context.Stream));
            var response = new TResponse();
            var result = root?.Elements().FirstOrDefault(e => e.Name.LocalName == operation + "Result");
            if (result is not null)
            {
                response.Read(ShapeNode.Of(result));
            }

            var requestId = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value;
            if (!string.IsNullOrEmpty(requestId))
            {
                response.ResponseMetadata = new ResponseMetadata { RequestId = requestId };
            }

            return response;
        }

        public override AmazonServiceException UnmarshallException(XmlUnmarshallerContext context, Exception innerException, HttpStatusCode statusCode)
        {
            string? code = null, message = null, type = null, requestId = null;
            try
            {
                var root = Parse(ResponseLimits.ReadErrorBody(context.Stream));
                var error = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
                code = Child(error, "Code");
                message = Child(error, "Message");
                type = Child(error, "Type");
                requestId = root?.Descendants().FirstOrDefault(e => e.Name.LocalName is "RequestId" or "RequestID")?.Value;
            }
            catch (XmlException)
            {
                // Not XML (a proxy's HTML page, a truncated body): keep the status and the header's request id.
            }

            requestId ??= context.ResponseData?.GetHeaderValue("x-amzn-RequestId");
            return AwsApiException.Create(code, message, type, requestId, statusCode, innerException, context.ResponseData?.GetHeaderValue("Location"));
        }

        private static string? Child(XElement? element, string name)
            => element?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

        private static XElement? Parse(byte[] body)
        {
            if (body.Length == 0)
            {
                return null;
            }

            // Depth first, in one pass: a tree of 200,000 nested elements costs time that grows with its square.
            ResponseLimits.CheckXmlDepth(body);
            using var reader = XmlReader.Create(new MemoryStream(body, writable: false), ResponseLimits.XmlSettings);
            return XDocument.Load(reader).Root;
        }
    }
}

/// <summary>
/// AWS JSON 1.0/1.1: JSON POST with <c>X-Amz-Target</c>, JSON responses, <c>__type</c> errors (Cost Explorer,
/// CloudWatch). For an awsQueryCompatible service (CloudWatch) requests carry <c>x-amzn-query-mode: true</c>, as
/// botocore sends it, and the error code is read from <c>x-amzn-query-error</c> (<c>Code;Sender</c>), which names
/// the same codes awsQuery does, so one error table serves both protocols.
/// </summary>
internal sealed class AwsJsonProtocol(string serviceName, string targetPrefix, string jsonVersion, bool queryCompatible = false) : IAwsProtocol, IMarshaller<IRequest, AmazonWebServiceRequest>
{
    public IMarshaller<IRequest, AmazonWebServiceRequest> Marshaller => this;

    /// <summary>The client configuration that says whether and from what size bodies are compressed.</summary>
    public ClientConfig? Config { get; init; }

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var request = (AwsRequest)input;
        var marshalled = new DefaultRequest(request, serviceName)
        {
            HttpMethod = "POST",
            ResourcePath = "/",
        };
        var body = BodyBuffers.Rent();
        var sent = body;
        Utf8BodyWriter? lent = null;
        try
        {
            request.WriteJson(body);
            request.MarshalledBytes = body.Length;
            var config = Config;
            if (request.MayCompress && config is { DisableRequestCompression: false } && body.Length >= config.RequestMinCompressionSizeBytes)
            {
                // Compressed here rather than by the SDK's handler, to choose the level (GzipBody) and reuse buffers.
                sent = BodyBuffers.Rent();
                GzipBody.Compress(body.WrittenSpan, sent);
                marshalled.Headers["Content-Encoding"] = "gzip";
            }

            // A hot-path request (up to 1 MB, twice a second when busy) is read by the SDK as a stream over the pooled
            // buffer, not copied into a fresh large-object array per request. The buffer is lent to the client call in
            // progress (AwsServiceClient.SendCoreAsync returns it when the call is over, retries included); outside a
            // call, or for a second marshal within one, the body is copied.
            if (request.MayCompress && BodyBuffers.CurrentLease.Value is { } lease && lease.TryHold(sent))
            {
                lent = sent;
                marshalled.ContentStream = sent.OpenRead();
            }
            else
            {
                marshalled.Content = sent.ToArray();
            }
        }
        finally
        {
            if (!ReferenceEquals(lent, body))
            {
                BodyBuffers.Return(body);
            }

            if (!ReferenceEquals(sent, body) && !ReferenceEquals(lent, sent))
            {
                BodyBuffers.Return(sent);
            }
        }

        marshalled.Headers["X-Amz-Target"] = $"{targetPrefix}.{request.Operation}";
        marshalled.Headers["Content-Type"] = $"application/x-amz-json-{jsonVersion}";
        if (queryCompatible)
        {
            marshalled.Headers["x-amzn-query-mode"] = "true";
        }

        return marshalled;
    }

    /// <summary>The uncompressed body of <paramref name="request"/>.</summary>
    public static byte[] Body(AwsRequest request)
    {
        var body = BodyBuffers.Rent();
        try
        {
            request.WriteJson(body);
            return body.ToArray();
        }
        finally
        {
            BodyBuffers.Return(body);
        }
    }

    public ResponseUnmarshaller Unmarshaller<TResponse>(string operation)
        where TResponse : AwsResponse, new() => new JsonUnmarshaller<TResponse>(queryCompatible);

    private sealed class JsonUnmarshaller<TResponse>(bool queryCompatible) : JsonResponseUnmarshaller
        where TResponse : AwsResponse, new()
    {
        public override AmazonWebServiceResponse Unmarshall(JsonUnmarshallerContext context)
        {
            var body = ResponseLimits.ReadResponseBody(context.Stream);
            using var document = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body, new JsonDocumentOptions { MaxDepth = ResponseLimits.MaxDepth });
            var response = new TResponse();
            response.Read(ShapeNode.Of(document.RootElement));
            var requestId = context.ResponseData?.GetHeaderValue("x-amzn-RequestId");
            if (!string.IsNullOrEmpty(requestId))
            {
                response.ResponseMetadata = new ResponseMetadata { RequestId = requestId };
            }

            return response;
        }

        public override AmazonServiceException UnmarshallException(JsonUnmarshallerContext context, Exception innerException, HttpStatusCode statusCode)
        {
            var error = JsonError.Parse(
                ResponseLimits.ReadErrorBody(context.Stream),
                context.ResponseData?.GetHeaderValue("X-Amzn-ErrorType"),
                queryCompatible ? context.ResponseData?.GetHeaderValue("x-amzn-query-error") : null);
            return AwsApiException.Create(error.Code, error.Message, error.Type, context.ResponseData?.GetHeaderValue("x-amzn-RequestId"), statusCode, innerException, context.ResponseData?.GetHeaderValue("Location"));
        }
    }
}

/// <summary>What an AWS JSON error response says: the code (query-compatible header first), message and fault type.</summary>
internal readonly record struct JsonError(string? Code, string? Message, string? Type)
{
    private const string UpperMessage = "Message"; // Some services spell the member with a capital M.

    public static JsonError Parse(ReadOnlySpan<byte> body, string? errorTypeHeader, string? queryErrorHeader)
    {
        var code = errorTypeHeader;
        string? message = null, type = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("__type", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    code = t.GetString();
                }

                if ((root.TryGetProperty("message", out var m) || root.TryGetProperty(UpperMessage, out m)) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string in invalid UTF-8: keep the status and the code read so far (or the headers').
        }

        // awsQueryCompatible: "InvalidParameterValue;Sender" names the awsQuery code and fault.
        if (!string.IsNullOrEmpty(queryErrorHeader))
        {
            var separator = queryErrorHeader.IndexOf(';', StringComparison.Ordinal);
            code = separator >= 0 ? queryErrorHeader[..separator] : queryErrorHeader;
            type = separator >= 0 ? queryErrorHeader[(separator + 1)..] : null;
        }

        return new JsonError(NormalizeCode(code), message, type);
    }

    /// <summary>"aws.namespace#Code" or "Code:http://…" → "Code".</summary>
    private static string? NormalizeCode(string? code)
    {
        if (code is null)
        {
            return null;
        }

        var hash = code.LastIndexOf('#');
        if (hash >= 0)
        {
            code = code[(hash + 1)..];
        }

        var colon = code.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? code[..colon] : code;
    }
}
