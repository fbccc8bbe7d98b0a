using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NbaSim.Observability.Cli.CiCd;

/// <summary>
/// Runs a command with this process's stdin, stdout and stderr, forwarding SIGINT and SIGTERM to it, and returns its exit
/// code (127 when it cannot be started, as a shell does).
/// </summary>
internal static partial class ChildProcess
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    public static async Task<(int ExitCode, TimeSpan Elapsed, string? StartError)> RunAsync(IReadOnlyList<string> command)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        var watch = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("the process did not start");
        }
        catch (Win32Exception ex)
        {
            return (127, watch.Elapsed, ex.Message);
        }

        using (process)
        {
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Forward(context, process, SigInt));
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Forward(context, process, SigTerm));
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return (process.ExitCode, watch.Elapsed, null);
        }
    }

    private static void Forward(PosixSignalContext context, Process process, int signal)
    {
        // This process keeps running until the child exits (its exit code is ours); the child decides what the signal means.
        context.Cancel = true;
        if (!process.HasExited)
        {
            _ = Kill(process.Id, signal);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
