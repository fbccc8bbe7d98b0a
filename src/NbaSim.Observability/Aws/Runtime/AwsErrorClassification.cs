using System.Net;

namespace NbaSim.Observability.Aws;

/// <summary>What kind of failure an AWS error is, and so what happens to the data that was being sent.</summary>
/// <remarks>The full table (error codes, statuses and what the exporter does) is in docs/reliability.md.</remarks>
internal enum AwsErrorCategory
{
    /// <summary>A datum itself is wrong (InvalidParameterValue, InvalidParameterCombination, MissingParameter, …): the batch is bisected to isolate it; only it is dropped, counted and logged.</summary>
    Validation,
    /// <summary>The service asked to slow down (Throttling, LimitExceededException, 429, …): retried by the SDK, then kept and retried at the next flush.</summary>
    Throttling,
    /// <summary>A server-side or network failure (5xx, timeouts): retried by the SDK, then kept and retried at the next flush.</summary>
    Transient,
    /// <summary>The credentials or permissions were refused (InvalidClientTokenId, ExpiredToken, AccessDenied, SignatureDoesNotMatch, 401/403, …): every datum is kept and retried later, never bisected; logged loudly once a minute.</summary>
    Credentials,
    /// <summary>The request was too large (413): the batch is halved and resent; nothing is dropped.</summary>
    RequestTooLarge,
    /// <summary>Anything else (not found, conflicts, …): kept and retried at the next flush.</summary>
    Other,
}

/// <summary>The one table that maps AWS error codes and HTTP statuses to an <see cref="AwsErrorCategory"/>.</summary>
internal static class AwsErrorClassification
{
    /// <summary>Errors about the caller's identity or permissions: retrying with fixed credentials later succeeds.</summary>
    internal static readonly IReadOnlySet<string> CredentialCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException", "AccessDenied",
        "AccessDeniedException", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
        "MissingAuthenticationTokenException", "OptInRequired", "InvalidSignatureException", "AuthFailure",
        "NotAuthorized", "UnauthorizedOperation",
    };

    /// <summary>Errors that name a field of the request: only these justify bisecting a batch.</summary>
    internal static readonly IReadOnlySet<string> ValidationCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "InvalidParameterValue", "InvalidParameterCombination", "MissingParameter", "InvalidParameter",
        "InvalidParameterValueException", "InvalidParameterException", "ValidationError", "ValidationException",
        "InvalidFormat", "InvalidFormatFault", "InvalidNextToken", "DataUnavailableException", "BillExpirationException",
        "RequestChangedException",
    };

    /// <summary>Errors that ask the caller to slow down.</summary>
    internal static readonly IReadOnlySet<string> ThrottlingCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "RequestLimitExceeded", "RequestThrottled", "SlowDown", "PriorRequestNotComplete", "LimitExceededException",
        "LimitExceeded",
    };

    /// <summary>Errors that say the body is too large for one request.</summary>
    internal static readonly IReadOnlySet<string> TooLargeCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "RequestEntityTooLarge", "RequestEntityTooLargeException", "RequestTooLarge",
    };

    /// <summary>Server-side failures that may arrive with a 4xx-looking status through proxies.</summary>
    internal static readonly IReadOnlySet<string> TransientCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "InternalServiceError", "InternalServiceFault", "InternalFailure", "InternalError", "ServiceUnavailable",
        "ServiceUnavailableException", "RequestTimeout", "RequestTimeoutException",
    };

    public static AwsErrorCategory Classify(string? errorCode, HttpStatusCode statusCode)
    {
        if (errorCode is not null)
        {
            if (CredentialCodes.Contains(errorCode))
            {
                return AwsErrorCategory.Credentials;
            }

            if (ThrottlingCodes.Contains(errorCode))
            {
                return AwsErrorCategory.Throttling;
            }

            if (TooLargeCodes.Contains(errorCode))
            {
                return AwsErrorCategory.RequestTooLarge;
            }

            if (TransientCodes.Contains(errorCode))
            {
                return AwsErrorCategory.Transient;
            }

            if (ValidationCodes.Contains(errorCode))
            {
                return AwsErrorCategory.Validation;
            }
        }

        return (int)statusCode switch
        {
            401 or 403 => AwsErrorCategory.Credentials,
            413 => AwsErrorCategory.RequestTooLarge,
            429 => AwsErrorCategory.Throttling,
            >= 500 => AwsErrorCategory.Transient,
            _ => AwsErrorCategory.Other,
        };
    }
}
