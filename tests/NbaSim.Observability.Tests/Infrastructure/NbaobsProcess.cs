using System.Diagnostics;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>
/// <c>nbaobs</c> as a separate process, for inputs that could crash or exhaust the one running the tests: a stack overflow
/// or a runaway allocation fails this process, with its exit code, not the test run. The heap is capped (256 MB) so an
/// input that would be read whole fails with OutOfMemory instead of passing on a big machine.
/// </summary>
internal static class NbaobsProcess
{
    public static string Dll => Path.Combine(Packaging.PackageConsumerTests.RepositoryRoot(), "src", "NbaSim.Observability.Cli", "bin",
#if DEBUG
        "Debug",
#else
        "Release",
#endif
        "net10.0", "nbaobs.dll");

    public static Task<(int Code, string Stdout, string Stderr, TimeSpan Elapsed)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
        => RunThroughAsync([], environment, args);

    /// <summary>Runs nbaobs through <paramref name="wrapper"/> (e.g. <c>setpriv --reuid=65534 …</c>), or directly when it is empty.</summary>
    public static async Task<(int Code, string Stdout, string Stderr, TimeSpan Elapsed)> RunThroughAsync(string[] wrapper, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(wrapper.Length > 0 ? wrapper[0] : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in wrapper.Skip(1).Concat(wrapper.Length > 0 ? ["dotnet"] : []))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(Dll);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000";
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nbaobs {string.Join(' ', args)} did not finish in 2 minutes");
        }

        return (process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }
}
