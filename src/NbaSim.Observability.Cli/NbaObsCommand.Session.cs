namespace NbaSim.Observability.Cli;

/// <content>One command's configuration, services and clients.</content>
public sealed partial class NbaObsCommand
{
    /// <summary>Configuration, services and clients of one command.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly NbaObservabilityOptions _options;
        private readonly AWSCredentials? _credentials;

        private Session(ServiceProvider services, NbaObservabilityOptions options, AWSCredentials? credentials, bool json)
        {
            _services = services;
            _options = options;
            _credentials = credentials;
            Json = json;
            _cloudWatch = new Lazy<CloudWatchClient>(() =>
            {
                var config = Export.CloudWatch.CloudWatchClientFactory.CreateConfig(options.CloudWatch);
                if (string.IsNullOrEmpty(options.CloudWatch.ServiceUrl) && string.IsNullOrEmpty(options.CloudWatch.Region))
                {
                    config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Monitoring.Region);
                }

                _cloudWatchUrl = config.ServiceURL ?? config.BuildUrl(config.EffectiveRegion ?? options.Monitoring.Region);
                return new CloudWatchClient(credentials, config);
            });
            _sns = new Lazy<SnsClient>(() =>
            {
                var config = new SnsClientConfig();
                Configure(config);
                return new SnsClient(credentials, config);
            });
        }

        private readonly Lazy<CloudWatchClient> _cloudWatch;
        private readonly Lazy<SnsClient> _sns;
        private string? _cloudWatchUrl;

        public bool Json { get; }

        public NbaObservabilityOptions Options => _options;

        public CloudWatchClient CloudWatch => _cloudWatch.Value;

        public SnsClient Sns => _sns.Value;

        /// <summary>The CloudWatch endpoint's base URL (the configured ServiceUrl, or the region's).</summary>
        public string CloudWatchUrl
        {
            get
            {
                _ = CloudWatch;
                return _cloudWatchUrl!;
            }
        }

        /// <summary>Cost Explorer, without starting the publishing pipeline (unlike <see cref="Get{T}"/>).</summary>
        public NbaSim.Observability.Aws.CostExplorer.ICostExplorerClient CostExplorer => _services.GetRequiredService<NbaSim.Observability.Aws.CostExplorer.ICostExplorerClient>();

        /// <summary>sts:GetCallerIdentity with the session's credentials and endpoint.</summary>
        public async Task<GetCallerIdentityResponse> CallerIdentityAsync(CancellationToken cancellationToken)
        {
            var stsConfig = new StsClientConfig();
            Configure(stsConfig);
            using var sts = new StsClient(_credentials, stsConfig);
            return await sts.GetCallerIdentityAsync(cancellationToken).ConfigureAwait(false);
        }

        public static Session Create(string? configFile, string? endpoint, string? region, bool json, Dictionary<string, string?> overrides, ILoggerProvider logging)
        {
            var builder = new ConfigurationBuilder();
            if (configFile is not null)
            {
                const string hint = "pass the path of a JSON file with an \"NbaObservability\" section.";
                var bytes = Input.InputFile.ReadAll("--config", configFile, Input.InputFile.MaxConfigBytes, hint);
                if (System.Text.Encoding.UTF8.GetString(bytes).Trim().Trim('\uFEFF').Length == 0)
                {
                    throw new Input.CliInputException($"--config {Path.GetFullPath(configFile)} is empty; {hint}");
                }

                try
                {
                    new ConfigurationBuilder().AddJsonStream(new MemoryStream(bytes)).Build();
                }
                catch (Exception ex) when (ex is FormatException or InvalidDataException or JsonException)
                {
                    var reason = (ex.InnerException ?? ex).Message.ReplaceLineEndings(" ");
                    throw new Input.CliInputException($"--config {Path.GetFullPath(configFile)} is not valid JSON: {reason}", ex);
                }

                builder.AddJsonStream(new MemoryStream(bytes));
            }

            builder.AddEnvironmentVariables();
            var values = new Dictionary<string, string?> { ["Exporter"] = "CloudWatch" };
            if (endpoint is not null)
            {
                values["CloudWatch:ServiceUrl"] = endpoint;
                values["S3Inventory:ServiceUrl"] = endpoint;
                values["Cost:ServiceUrl"] = endpoint;
            }

            if (region is not null)
            {
                values["CloudWatch:Region"] = region;
                values["S3Inventory:Region"] = region;
                values["Monitoring:Region"] = region;
            }

            foreach (var (key, value) in overrides)
            {
                values[key] = value;
            }

            // Command-line values win over the file and the environment.
            var fileAndEnvironment = builder.Build();
            if (region is null && endpoint is null && fileAndEnvironment[$"{NbaObservabilityOptions.SectionName}:CloudWatch:Region"] is null
                && Environment.GetEnvironmentVariable("AWS_REGION") is null && Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is null)
            {
                values["CloudWatch:Region"] = fileAndEnvironment[$"{NbaObservabilityOptions.SectionName}:Monitoring:Region"] ?? "us-east-1";
            }

            var merged = new ConfigurationBuilder()
                .AddConfiguration(fileAndEnvironment)
                .AddInMemoryCollection(values.Where(v => fileAndEnvironment[$"{NbaObservabilityOptions.SectionName}:Exporter"] is null || v.Key != "Exporter").ToDictionary(v => $"{NbaObservabilityOptions.SectionName}:{v.Key}", v => v.Value))
                .Build();

            var services = new ServiceCollection();
            services.AddLogging(l => l.ClearProviders().AddProvider(logging).SetMinimumLevel(LogLevel.Warning));
            services.AddNbaObservability(merged).AddNbaPublishers();
            AWSCredentials? credentials = null;
            if (endpoint is not null && Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is null)
            {
                // A local endpoint checks no signature but routes by it: sign with placeholder keys.
                credentials = new BasicAWSCredentials("nbaobs-local", "nbaobs-local");
                services.AddSingleton(credentials);
            }

            var provider = services.BuildServiceProvider();
            NbaObservabilityOptions options;
            try
            {
                options = provider.GetRequiredService<IOptions<NbaObservabilityOptions>>().Value;
            }
            catch (InvalidOperationException ex)
            {
                // The binder's "Failed to convert configuration value 'abc' at 'NbaObservability:ShutdownTimeout' to type 'System.TimeSpan'".
                provider.Dispose();
                throw new Input.CliInputException(ex.Message.ReplaceLineEndings(" ") + ConfigurationHint, ex);
            }

            var validation = provider.GetRequiredService<IValidateOptions<NbaObservabilityOptions>>().Validate(null, options);
            if (validation.Failed)
            {
                throw new OptionsValidationException(NbaObservabilityOptions.SectionName, typeof(NbaObservabilityOptions), validation.Failures);
            }

            var log = provider.GetRequiredService<ILoggerFactory>().CreateLogger("nbaobs");
            foreach (var warning in options.UnknownSettings)
            {
                log.Log(LogLevel.Warning, default, warning, null, static (text, _) => text);
            }

            return new Session(provider, options, credentials, json);
        }

        /// <summary>True when <c>NBAOBS_DISABLED=1</c> or <c>Enabled=false</c>: publishing commands record nothing.</summary>
        public bool SwitchedOff => NbaSim.Observability.Configuration.ObservabilitySwitch.IsDisabled(_options);

        /// <summary>A service; publishing ones need the sink (and through it the exporter) to exist first.</summary>
        public T Get<T>()
            where T : notnull
        {
            try
            {
                _services.GetRequiredService<BufferedMetricSink>();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && _options.Spool.Directory is { } spool)
            {
                // The spool is the only file the pipeline opens at start: a file, an unwritable or impossible path.
                throw new Input.CliInputException($"NbaObservability:Spool:Directory {spool} cannot be used as the spool directory: {ex.Message.ReplaceLineEndings(" ")}{ConfigurationHint}", ex);
            }

            return _services.GetRequiredService<T>();
        }

        /// <summary>
        /// Flushes, retrying failed exports with short pauses, then stops the sink: flush and stop together take at most
        /// ShutdownTimeout (<paramref name="timeoutName"/> names it in the reason). Returns where every datum ended.
        /// </summary>
        public async Task<DeliveryOutcome> DeliverAsync(CancellationToken cancellationToken, string timeoutName = "ShutdownTimeout")
        {
            var sink = Get<BufferedMetricSink>();
            var metrics = _services.GetRequiredService<INbaMetrics>();
            var started = TimeProvider.System.GetTimestamp();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.ShutdownTimeout);
            var timedOut = false;
            try
            {
                await sink.ForceFlushAsync(deadline.Token).ConfigureAwait(false);
                var pause = TimeSpan.FromMilliseconds(200);
                while (sink.QueuedDatums > 0)
                {
                    await Task.Delay(pause, deadline.Token).ConfigureAwait(false);
                    pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
                    await sink.ForceFlushAsync(deadline.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // Out of time (or cancelled): what is left is stopped below with what remains of the deadline.
                timedOut = !cancellationToken.IsCancellationRequested;
            }

            // Stop with the time that is left of the same deadline; what is still queued stays in the spool or is counted.
            var left = _options.ShutdownTimeout - TimeProvider.System.GetElapsedTime(started);
            using (var stop = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                await sink.StopAsync(stop.Token).ConfigureAwait(false);
            }

            var diagnostics = metrics.GetDiagnostics();
            var destination = _options.Exporter == MetricExporterKind.CloudWatch
                ? (_options.CloudWatch.ServiceUrl is { } url ? Observability.Internal.Redact.Url(url) : $"CloudWatch ({_options.CloudWatch.Region ?? "default region"})")
                : _options.Emf.AgentEndpoint is { } agent ? Observability.Internal.Redact.Url(agent) : _options.Emf.Path ?? "stdout";
            var reason = Observability.Internal.Redact.ServerText(diagnostics.LastExportError)
                ?? (timedOut ? $"no answer within {timeoutName} {_options.ShutdownTimeout:c}" : "see the warnings above");
            if (timedOut && diagnostics.LastExportError is not null)
            {
                reason = $"no delivery within {timeoutName} {_options.ShutdownTimeout:c}; the last attempt failed with: {reason}";
            }

            return new DeliveryOutcome(diagnostics.DatumsDropped, sink.SpooledDatums, sink.SpoolFilesQuarantined, destination, reason, sink.SpoolDirectory);
        }

        public MonitoringContext OfflineContext()
            => new(_options.Monitoring.Region, _options.Monitoring.AccountId ?? "123456789012", _options.Monitoring.AlertTopicName, _options.Cost.MonthlyBudgetUsd, _options.Monitoring.ProfiledOperations, _options.Monitoring.Bucket)
            {
                TestSuites = _options.Monitoring.TestSuites,
                Pipelines = _options.Monitoring.Pipelines,
                RuntimeNamespace = NbaMonitoring.RuntimeNamespaceOf(_options.Meters),
                AggregationPeriod = _options.AggregationPeriod,
            };

        public async Task<MonitoringDefinitions> DefinitionsAsync(CancellationToken cancellationToken, MonitoringAsCode.MonitoringPath path = MonitoringAsCode.MonitoringPath.Classic)
        {
            var account = _options.Monitoring.AccountId;
            if (string.IsNullOrEmpty(account))
            {
                account = (await CallerIdentityAsync(cancellationToken).ConfigureAwait(false)).Account
                    ?? throw new InvalidOperationException("STS did not return the account id; set NbaObservability:Monitoring:AccountId.");
            }

            var context = OfflineContext() with { AccountId = account };
            return MonitoringDefinitions.For(context, _options.Monitoring, path);
        }

        public async ValueTask DisposeAsync()
        {
            if (_cloudWatch.IsValueCreated)
            {
                _cloudWatch.Value.Dispose();
            }

            if (_sns.IsValueCreated)
            {
                _sns.Value.Dispose();
            }

            await _services.DisposeAsync().ConfigureAwait(false);
        }

        private void Configure(NbaSim.Observability.Aws.Runtime.AwsServiceConfig config)
        {
            if (!string.IsNullOrEmpty(_options.CloudWatch.ServiceUrl))
            {
                config.ServiceURL = _options.CloudWatch.ServiceUrl;
                config.AuthenticationRegion = _options.Monitoring.Region;
            }
            else
            {
                config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(_options.Monitoring.Region);
            }
        }
    }
}
