using System.Diagnostics;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>The helper program (tests/NbaSim.Observability.SpoolHelper) that tests run as separate processes.</summary>
internal static class Helper
{
    public static string Path
        => System.IO.Path.Combine(Packaging.PackageConsumerTests.RepositoryRoot(), "tests", "NbaSim.Observability.SpoolHelper", "bin",
#if DEBUG
            "Debug",
#else
            "Release",
#endif
            "net10.0", "NbaSim.Observability.SpoolHelper.dll");

    public static Process Start(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
    }
}
