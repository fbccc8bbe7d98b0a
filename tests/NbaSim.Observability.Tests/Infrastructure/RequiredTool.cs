namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>
/// Tools some tests run (a browser, a C toolchain, strace, moto). `bash eng/test.sh` installs them; under a plain
/// `dotnet test` a missing one fails its tests with one line that names what to install, instead of an obscure error.
/// </summary>
internal static class RequiredTool
{
    /// <summary>Fails unless <paramref name="command"/> is on PATH.</summary>
    /// <param name="command">The executable.</param>
    /// <param name="install">What provides it: a Debian package name, or an install command.</param>
    public static void Require(string command, string install)
    {
        if (!OnPath(command))
        {
            throw new MissingToolException(command, install);
        }
    }

    /// <summary>Fails unless <paramref name="path"/> exists (a header or library a toolchain needs).</summary>
    public static void RequireFile(string path, string install)
    {
        if (!File.Exists(path))
        {
            throw new MissingToolException(path, install);
        }
    }

    /// <summary>Fails unless Debian's python3 imports <paramref name="module"/>.</summary>
    public static void RequirePythonModule(string module, string install)
    {
        Require("/usr/bin/python3", "python3");
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", ["-c", $"import {module}"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new MissingToolException($"python3 module {module}", install);
        }
    }

    private static bool OnPath(string command)
        => Path.IsPathRooted(command)
            ? File.Exists(command)
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, command)));
}

/// <summary>A tool a test needs is not installed: the message is one line naming what to install.</summary>
internal sealed class MissingToolException(string tool, string install)
    : Exception($"{tool} is not installed; install {install} (or run `bash eng/test.sh`, which installs every tool the tests need)");
