using System.Diagnostics;
using System.Globalization;

namespace NbaSim.Observability.Pipeline;

/// <summary>
/// A process as the spool's lock file names it: its PID and, on Linux, its start time (so a PID the kernel reused for
/// another process is not mistaken for the owner).
/// </summary>
internal readonly record struct ProcessIdentity(int Pid, long StartTicks)
{
    public static ProcessIdentity Current { get; } = new(Environment.ProcessId, StartOf(Environment.ProcessId) ?? 0);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Pid} {StartTicks}");

    public static bool TryParse(string text, out ProcessIdentity identity)
    {
        identity = default;
        var parts = text.Trim().Split(' ');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        identity = new ProcessIdentity(pid, start);
        return true;
    }

    /// <summary>True when a process with this PID runs and (where it can be known) started when the owner did.</summary>
    public static bool IsAlive(ProcessIdentity owner)
    {
        try
        {
            using var process = Process.GetProcessById(owner.Pid);
            if (process.HasExited)
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false; // no such process
        }

        if (Stat(owner.Pid) is not { } stat)
        {
            return true; // no /proc: the PID alone decides
        }

        // A killed process not yet reaped (a zombie) holds nothing; a reused PID has another start time.
        return stat.State is not ('Z' or 'X') && (owner.StartTicks == 0 || stat.StartTicks == owner.StartTicks);
    }

    private static long? StartOf(int pid) => Stat(pid)?.StartTicks;

    /// <summary>The process' state and start time in clock ticks since boot (fields 3 and 22 of /proc/PID/stat), or null where unknown.</summary>
    private static (char State, long StartTicks)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // the name (field 2) may hold spaces
            return long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start) && fields[0].Length == 1 ? (fields[0][0], start) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
