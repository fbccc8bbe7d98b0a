using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace NbaSim.Observability.Aws.Runtime;

internal sealed class AwsServiceMetadata(string serviceId) : IServiceMetadata
{
    public string ServiceId { get; } = serviceId;

    public IDictionary<string, string> OperationNameMapping { get; } = new Dictionary<string, string>(0);
}

/// <summary>Credentials: the SDK's default chain, resolved lazily per request by AWSSDK.Core itself.</summary>
internal static class DefaultCredentials
{
    /// <summary>Null lets <see cref="AmazonServiceClient"/> use its default identity resolution (env, profile, SSO, web identity, ECS, IMDS).</summary>
    public static AWSCredentials? Resolve() => null;
}

/// <summary>Counts attempts and bytes through the SDK's own HttpClient, so retries are visible to self-telemetry.</summary>
internal static class WireCounters
{
    private static readonly ConditionalWeakTable<ClientConfig, WireStatistics> Table = [];

    public static TConfig Attach<TConfig>(TConfig config)
        where TConfig : ClientConfig
    {
        var statistics = Table.GetValue(config, _ => new WireStatistics());
        config.HttpClientFactory ??= new CountingHttpClientFactory(statistics);
        return config;
    }

    public static WireStatistics Of(ClientConfig config) => Table.GetValue(config, _ => new WireStatistics());

    private sealed class CountingHttpClientFactory(WireStatistics statistics) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(30),
                AutomaticDecompression = System.Net.DecompressionMethods.None,

                // AWS endpoints do not redirect these calls: following one would re-send the body and the session token
                // (x-amz-security-token) to another host. A 3xx is returned as the error it is.
                AllowAutoRedirect = false,
                MaxResponseHeadersLength = 64, // KB
            };
            return new HttpClient(new CountingHandler(statistics) { InnerHandler = handler })
            {
                Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100),
            };
        }

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        // The SDK caches HttpClients by this key: one per client's counters, or clients would share (and miscount) them.
        public override string GetConfigUniqueString(IClientConfig clientConfig)
            => $"nbasim-counting-{RuntimeHelpers.GetHashCode(statistics)}-{clientConfig.Timeout?.Ticks}";
    }

    private sealed class CountingHandler(WireStatistics statistics) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            statistics.Sent(request.Content?.Headers.ContentLength ?? 0);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
