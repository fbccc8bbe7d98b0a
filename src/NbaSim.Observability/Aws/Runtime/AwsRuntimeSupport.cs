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
            return new HttpClient(new CountingHandler(statistics, clientConfig.Timeout ?? TimeSpan.FromSeconds(100)) { InnerHandler = handler })
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

    private sealed class CountingHandler(WireStatistics statistics, TimeSpan timeout) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            statistics.Sent(request.Content?.Headers.ContentLength ?? 0);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

            // HttpClient's timeout ends at the headers: the body gets what is left of it, so a server that drips one
            // byte a second cannot hold a call for the hours a 64-KB error body (or days a 64-MB one) would take.
            var left = timeout - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            response.Content = new DeadlineContent(response.Content, left > TimeSpan.Zero ? left : TimeSpan.Zero, timeout);
            return response;
        }
    }

    /// <summary>A response body that must arrive before a deadline; past it, reading fails with a <see cref="TimeoutException"/>.</summary>
    private sealed class DeadlineContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly TimeSpan _left;
        private readonly TimeSpan _timeout;
        private readonly long? _length;

        public DeadlineContent(HttpContent inner, TimeSpan left, TimeSpan timeout)
        {
            _inner = inner;
            _length = inner.Headers.ContentLength; // read once: our own header's getter would ask TryComputeLength again
            _left = left;
            _timeout = timeout;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync()
            => new DeadlineStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), _left, _timeout);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await using var body = await CreateContentReadStreamAsync().ConfigureAwait(false);
            await body.CopyToAsync(stream).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length ?? 0;
            return _length is not null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class DeadlineStream : Internal.ReadOnlyStream
    {
        private readonly Stream _inner;
        private readonly TimeSpan _timeout;
        private readonly CancellationTokenSource _expiry;
        private readonly CancellationTokenRegistration _close;

        public DeadlineStream(Stream inner, TimeSpan left, TimeSpan timeout)
        {
            _inner = inner;
            _timeout = timeout;
            _expiry = new CancellationTokenSource(left);
            _close = _expiry.Token.Register(static s => ((Stream)s!).Dispose(), inner); // ends a read that waits for bytes
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                Check();
                return _inner.Read(buffer, offset, count);
            }
            catch (Exception ex) when (_expiry.IsCancellationRequested && ex is not TimeoutException)
            {
                throw Expired();
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                Check();
                return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (_expiry.IsCancellationRequested && ex is not TimeoutException)
            {
                throw Expired();
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _close.Dispose();
                _expiry.Dispose();
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Check()
        {
            if (_expiry.IsCancellationRequested)
            {
                throw Expired();
            }
        }

        private TimeoutException Expired()
            => new($"The response body did not arrive within the request timeout ({_timeout.TotalSeconds:0.#} s); it was not read further.");
    }
}
