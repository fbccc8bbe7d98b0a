using System.Net;
using Amazon.Runtime;

namespace NbaSim.Observability.Aws;

/// <summary>
/// An error answered by CloudWatch, SNS or Cost Explorer, with the AWS error code, message, request id and HTTP status.
/// Derives from <see cref="AmazonServiceException"/>, so the SDK's retry policy treats it as it treats the official clients' errors.
/// The message is the service's; no request header, credential or signature is ever part of it.
/// </summary>
internal sealed class AwsApiException : AmazonServiceException
{
    /// <summary>Creates the exception.</summary>
    public AwsApiException(string message, Exception? innerException, ErrorType errorType, string errorCode, string? requestId, HttpStatusCode statusCode)
        : base(message, innerException, errorType, errorCode, requestId, statusCode)
    {
        Category = Classify(errorCode, statusCode);
    }

    /// <summary>How long the server asked the caller to wait (its <c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Whether retrying can help, and how.</summary>
    public AwsErrorCategory Category { get; }

    /// <summary>True for errors that retrying the same request cannot fix.</summary>
    public bool IsValidationError => Category == AwsErrorCategory.Validation;

    /// <summary>True when the credentials or permissions were refused; the request may pass once they are fixed.</summary>
    public bool IsCredentialError => Category == AwsErrorCategory.Credentials;

    /// <summary>True for throttling and server-side failures.</summary>
    public bool IsTransient => Category is AwsErrorCategory.Throttling or AwsErrorCategory.Transient;

    internal static AwsErrorCategory Classify(string? errorCode, HttpStatusCode statusCode)
        => AwsErrorClassification.Classify(errorCode, statusCode);

    /// <summary>Builds the exception from a parsed error body.</summary>
    internal static AwsApiException Create(string? code, string? message, string? type, string? requestId, HttpStatusCode statusCode, Exception? inner, string? location = null)
    {
        if ((int)statusCode is >= 300 and < 400)
        {
            // Only the host is named: a Location's path or query could carry anything.
            var to = Uri.TryCreate(location, UriKind.Absolute, out var uri) ? $" to {uri.Scheme}://{uri.Host}{(uri.IsDefaultPort ? string.Empty : ":" + uri.Port)}" : string.Empty;
            message = $"The endpoint answered HTTP {(int)statusCode}, a redirect{to}. AWS endpoints do not redirect these calls, so it was not followed: following it would send the request and its credentials to another host. Check the endpoint URL.";
            code = "Redirect";
        }

        code = string.IsNullOrEmpty(code) ? statusCode.ToString() : Internal.Redact.ServerText(code)!;
        message = Internal.Redact.ServerText(message); // a server's text reaches terminals and log lines
        var errorType = type switch
        {
            "Sender" => ErrorType.Sender,
            "Receiver" => ErrorType.Receiver,
            _ => (int)statusCode >= 500 ? ErrorType.Receiver : (int)statusCode >= 400 ? ErrorType.Sender : ErrorType.Unknown,
        };
        return new AwsApiException(string.IsNullOrEmpty(message) ? code : message, inner, errorType, code, requestId, statusCode);
    }
}
