namespace NbaSim.Observability;

/// <summary>
/// The registry that woven <see cref="ProfilePerformanceAttribute"/> methods record into: the one of the most recently
/// built NbaObservability host. Calls made before any host exists record into a default registry, which the first host
/// adopts, so they are not lost.
/// </summary>
public static class ProfilingHost
{
    private static readonly object Gate = new();
    private static MetricRegistry? s_current;
    private static MetricRegistry? s_default;
    private static bool s_defaultAdopted;

    /// <summary>The registry woven methods currently record into.</summary>
    public static MetricRegistry Current => Volatile.Read(ref s_current) ?? CreateDefault();

    /// <summary>Makes <paramref name="registry"/> the target of woven methods (e.g. in a test or a host built by hand).</summary>
    public static void Attach(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        lock (Gate)
        {
            Volatile.Write(ref s_current, registry);
        }
    }

    /// <summary>
    /// Attaches a host's registry, unless it is switched off while an active one is attached: a test host built with
    /// <c>Enabled=false</c> must not silence the woven methods of a running host.
    /// </summary>
    internal static void AttachHost(MetricRegistry registry)
    {
        lock (Gate)
        {
            if (registry.IsSwitchedOff && s_current is { IsSwitchedOff: false } active && !ReferenceEquals(active, registry))
            {
                return;
            }

            Volatile.Write(ref s_current, registry);
        }
    }

    /// <summary>
    /// Returns the default registry reconfigured with <paramref name="options"/> if woven code already created it and no
    /// host took it yet; otherwise <see langword="null"/>.
    /// </summary>
    internal static MetricRegistry? TryAdoptDefault(NbaObservabilityOptions options, TimeProvider time, Microsoft.Extensions.Logging.ILogger? logger)
    {
        lock (Gate)
        {
            // Only the registry woven code created on its own is adopted: one attached by hand (a test's, or a host built
            // by hand) belongs to its owner and is never reconfigured by someone else's host.
            if (s_defaultAdopted || s_current is null || !ReferenceEquals(s_current, s_default))
            {
                s_defaultAdopted = true;
                return null;
            }

            s_defaultAdopted = true;
            s_current.Reconfigure(options, time, logger);
            return s_current;
        }
    }

    /// <summary>True while woven code records into the default registry and no host has taken it.</summary>
    private static bool StillWithoutHost()
    {
        lock (Gate)
        {
            return !s_defaultAdopted && s_default is not null && ReferenceEquals(s_current, s_default);
        }
    }

    private static MetricRegistry CreateDefault()
    {
        lock (Gate)
        {
            if (s_current is null)
            {
                s_default = new MetricRegistry();
                Volatile.Write(ref s_current, s_default);

                // Once per process, off the recording path: the first woven call that finds no host gets here. The exit
                // handler keeps the notice (and its timer) alive.
                var notice = new Profiling.NoHostNotice(StillWithoutHost, Console.Error, TimeProvider.System);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => notice.SayIfStillWithoutHost();
            }

            return s_current;
        }
    }
}
