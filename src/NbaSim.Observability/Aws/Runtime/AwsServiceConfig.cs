using System.Collections.ObjectModel;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;

namespace NbaSim.Observability.Aws.Runtime;

/// <summary>
/// <see cref="ClientConfig"/> for our hand-written service clients: standard retry mode, region or
/// <see cref="ClientConfig.ServiceURL"/> endpoint, everything else (credentials chain, signing, clock skew) from AWSSDK.Core.
/// </summary>
internal abstract class AwsServiceConfig : ClientConfig
{
    // The same mode table the generated AWS clients use; every mode retries in Standard mode.
    private static readonly ReadOnlyCollection<IDefaultConfiguration> Modes = new(
    [
        Mode(DefaultConfigurationMode.Standard, 3100),
        Mode(DefaultConfigurationMode.InRegion, 1100),
        Mode(DefaultConfigurationMode.CrossRegion, 3100),
        Mode(DefaultConfigurationMode.Mobile, 30000),
        Mode(DefaultConfigurationMode.Auto, 1100),
    ]);

    private readonly string _endpointPrefix;
    private readonly string _serviceVersion;
    private readonly string _userAgent;

    private protected AwsServiceConfig(string serviceId, string signingName, string endpointPrefix, string serviceVersion)
        : base(new DefaultConfigurationProvider(Modes))
    {
        ServiceId = serviceId;
        AuthenticationServiceName = signingName;
        _endpointPrefix = endpointPrefix;
        _serviceVersion = serviceVersion;
        _userAgent = Amazon.Util.Internal.InternalSDKUtils.BuildUserAgentString(serviceId, typeof(AwsServiceConfig).Assembly.GetName().Version?.ToString(3) ?? "0.1.0");
        EndpointProvider = new AwsEndpointProvider(this);
    }

    /// <inheritdoc />
    public override string RegionEndpointServiceName => _endpointPrefix;

    /// <inheritdoc />
    public override string ServiceVersion => _serviceVersion;

    /// <inheritdoc />
    public override string UserAgent => _userAgent;

    // AuthenticationRegion first: reading RegionEndpoint when unset runs the SDK's region chain (instance metadata included).
    internal string? EffectiveRegion => AuthenticationRegion ?? RegionEndpoint?.SystemName;

    /// <summary>Region in the endpoint host name for a client configured for <paramref name="region"/>.</summary>
    internal virtual string EndpointRegion(string region) => region;

    /// <summary>Region of the SigV4 credential scope for a client configured for <paramref name="region"/>.</summary>
    internal virtual string SigningRegion(string region) => region;

    internal string BuildUrl(string region)
    {
        var endpoint = RegionEndpoint.GetBySystemName(EndpointRegion(region));
        var suffix = string.IsNullOrEmpty(endpoint.PartitionDnsSuffix) ? "amazonaws.com" : endpoint.PartitionDnsSuffix;
        return $"https://{_endpointPrefix}.{endpoint.SystemName}.{suffix}";
    }

    /// <inheritdoc />
    public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var p = new EndpointParameters
        {
            ["Region"] = parameters.AlternateEndpoint?.SystemName ?? EffectiveRegion,
            ["Endpoint"] = ServiceURL,
        };
        return EndpointProvider.ResolveEndpoint(p);
    }

    private static DefaultConfiguration Mode(DefaultConfigurationMode name, int connectMilliseconds) => new()
    {
        Name = name,
        RetryMode = RequestRetryMode.Standard,
        S3UsEast1RegionalEndpoint = S3UsEast1RegionalEndpointValue.Regional,
        ConnectTimeout = TimeSpan.FromMilliseconds(connectMilliseconds),
        TlsNegotiationTimeout = TimeSpan.FromMilliseconds(connectMilliseconds),
        TimeToFirstByteTimeout = null,
        HttpRequestTimeout = null,
    };
}

/// <summary>ServiceURL wins; otherwise the regional endpoint of the service.</summary>
internal sealed class AwsEndpointProvider(AwsServiceConfig config) : IEndpointProvider
{
    public Endpoint ResolveEndpoint(EndpointParameters parameters)
    {
        if (parameters["Endpoint"] is string { Length: > 0 } url)
        {
            return new Endpoint(url);
        }

        if (parameters["Region"] is not string { Length: > 0 } region)
        {
            throw new AmazonClientException("No AWS region is configured: set NbaObservability:CloudWatch:Region, AWS_REGION, or a ServiceUrl.");
        }

        return new Endpoint(config.BuildUrl(region));
    }
}

/// <summary>Resolves the endpoint per request and pins the signing region (Cost Explorer signs for us-east-1).</summary>
internal sealed class AwsEndpointResolver : BaseEndpointResolver
{
    protected override EndpointParameters MapEndpointsParameters(IRequestContext requestContext)
    {
        var config = (AwsServiceConfig)requestContext.ClientConfig;
        return new EndpointParameters
        {
            ["Region"] = requestContext.Request.AlternateEndpoint?.SystemName ?? config.EffectiveRegion,
            ["Endpoint"] = config.ServiceURL,
        };
    }

    protected override void ServiceSpecificHandler(IExecutionContext executionContext, EndpointParameters parameters)
    {
        var config = (AwsServiceConfig)executionContext.RequestContext.ClientConfig;
        var request = executionContext.RequestContext.Request;
        if (string.IsNullOrEmpty(request.AuthenticationRegion) && parameters["Region"] is string { Length: > 0 } region)
        {
            request.AuthenticationRegion = config.SigningRegion(region);
        }
    }
}

/// <summary>Every operation we call signs with SigV4 (AWSSDK.Core 4 chooses the signer per request through this handler).</summary>
internal sealed class SigV4AuthResolver : BaseAuthResolverHandler
{
    protected override List<Amazon.Runtime.Internal.Auth.IAuthSchemeOption> ResolveAuthOptions(IExecutionContext executionContext)
        => Amazon.Runtime.Credentials.Internal.AuthSchemeOption.DEFAULT_SIGV4;
}
