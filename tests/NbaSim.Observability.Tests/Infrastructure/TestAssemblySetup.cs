using System.Runtime.CompilerServices;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>Process-wide settings of the test run.</summary>
internal static class TestAssemblySetup
{
    /// <summary>
    /// Tests run in parallel on 2 cores, and some deliberately hold pool threads (busy recorders, callbacks that never
    /// return): with the default minimum of one thread per core, every other test's continuations would wait for the
    /// pool's slow thread injection. The product never relies on this; the tests' own load does.
    /// </summary>
#pragma warning disable CA2255 // a module initializer in a test assembly, on purpose
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
    }
}
