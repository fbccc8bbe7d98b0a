using System.Net;
using Amazon.Runtime;

namespace NbaSim.Observability.Aws;

/// <summary>What kind of failure an AWS error is, so callers can decide between retrying and giving up.</summary>
public enum AwsErrorCategory
{
    /// <summary>The request itself is wrong (InvalidParameterValue, InvalidParameterCombination, MissingParameter, LimitExceeded, …): retrying cannot help.</summary>
    Validation,
    /// <summary>The service asked to slow down (Throttling, TooManyRequests, …): retry later.</summary>
    Throttling,
    /// <summary>A server-side or network failure (5xx, timeouts): retry later.</summary>
    Transient,
    /// <summary>Anything else (access denied, not found, …).</summary>
    Other,
}

/// <summary>
/// An error answered by CloudWatch, SNS or Cost Explorer, with the AWS error code, message, request id and HTTP status.
/// Derives from <see cref="AmazonServiceException"/>, so the SDK's retry policy treats it as it treats the official clients' errors.
/// The message is the service's; no request header, credential or signature is ever part of it.
/// </summary>
public sealed class AwsApiException : AmazonServiceException
{
    private static readonly HashSet<string> ValidationCodes = new(StringComparer.Ordinal)
    {
        "InvalidParameterValue", "InvalidParameterCombination", "MissingParameter", "InvalidParameter",
        "LimitExceeded", "LimitExceededException", "InvalidParameterValueException", "InvalidParameterException",
        "ValidationError", "ValidationException", "InvalidFormat", "InvalidFormatFault", "InvalidNextToken",
        "DataUnavailableException", "BillExpirationException", "RequestChangedException", "InvalidClientTokenId",
    };

    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "RequestLimitExceeded", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    };

    /// <summary>Creates the exception.</summary>
    public AwsApiException(string message, Exception? innerException, ErrorType errorType, string errorCode, string? requestId, HttpStatusCode statusCode)
        : base(message, innerException, errorType, errorCode, requestId, statusCode)
    {
        Category = Classify(errorCode, statusCode);
    }

    /// <summary>Whether retrying can help, and how.</summary>
    public AwsErrorCategory Category { get; }

    /// <summary>True for errors that retrying the same request cannot fix.</summary>
    public bool IsValidationError => Category == AwsErrorCategory.Validation;

    /// <summary>True for throttling and server-side failures.</summary>
    public bool IsTransient => Category is AwsErrorCategory.Throttling or AwsErrorCategory.Transient;

    internal static AwsErrorCategory Classify(string? errorCode, HttpStatusCode statusCode)
    {
        if (errorCode is not null && ThrottlingCodes.Contains(errorCode))
        {
            return AwsErrorCategory.Throttling;
        }

        if (errorCode is not null && ValidationCodes.Contains(errorCode))
        {
            return AwsErrorCategory.Validation;
        }

        return (int)statusCode switch
        {
            429 => AwsErrorCategory.Throttling,
            >= 500 => AwsErrorCategory.Transient,
            _ => AwsErrorCategory.Other,
        };
    }

    /// <summary>Builds the exception from a parsed error body.</summary>
    internal static AwsApiException Create(string? code, string? message, string? type, string? requestId, HttpStatusCode statusCode, Exception? inner)
    {
        code = string.IsNullOrEmpty(code) ? statusCode.ToString() : code;
        var errorType = type switch
        {
            "Sender" => ErrorType.Sender,
            "Receiver" => ErrorType.Receiver,
            _ => (int)statusCode >= 500 ? ErrorType.Receiver : (int)statusCode >= 400 ? ErrorType.Sender : ErrorType.Unknown,
        };
        return new AwsApiException(string.IsNullOrEmpty(message) ? code : message, inner, errorType, code, requestId, statusCode);
    }
}
