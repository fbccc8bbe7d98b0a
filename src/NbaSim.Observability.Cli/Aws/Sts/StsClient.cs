using NbaSim.Observability.Aws;
using NbaSim.Observability.Aws.Protocol;
using NbaSim.Observability.Aws.Runtime;

namespace NbaSim.Observability.Cli.Aws.Sts;

/// <summary>GetCallerIdentity: the account and principal the credentials belong to.</summary>
internal sealed class GetCallerIdentityRequest : AwsRequest<GetCallerIdentityResponse>
{
    internal override string Operation => "GetCallerIdentity";

    internal override void Write(IShapeWriter writer)
    {
    }
}

/// <summary>The answer to GetCallerIdentity.</summary>
internal sealed class GetCallerIdentityResponse : AwsResponse
{
    /// <summary>12-digit account id.</summary>
    public string? Account { get; private set; }

    /// <summary>ARN of the caller.</summary>
    public string? Arn { get; private set; }

    internal override void Read(ShapeNode result)
    {
        Account = result.String("Account");
        Arn = result.String("Arn");
    }
}

/// <summary>Configuration of <see cref="StsClient"/> (signing name <c>sts</c>, regional endpoint).</summary>
internal sealed class StsClientConfig : AwsServiceConfig
{
    /// <summary>Creates the configuration.</summary>
    public StsClientConfig()
        : base("STS", "sts", "sts", "2011-06-15")
    {
    }
}

/// <summary>STS over awsQuery: only GetCallerIdentity, to learn the account id when it is not configured.</summary>
internal sealed class StsClient(AWSCredentials? credentials, StsClientConfig config)
    : AwsServiceClient(credentials, config, new AwsQueryProtocol("SecurityTokenService", "2011-06-15"))
{
    /// <summary>GetCallerIdentity.</summary>
    public Task<GetCallerIdentityResponse> GetCallerIdentityAsync(CancellationToken cancellationToken = default)
        => SendAsync(new GetCallerIdentityRequest(), cancellationToken);
}
