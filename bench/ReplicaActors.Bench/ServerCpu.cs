using System.Diagnostics;

namespace ReplicaActors.Bench;

/// <summary>CPU time the member processes used (utime+stime from /proc/PID/stat), so a load's cores exclude the client's startup.</summary>
internal sealed class ServerCpu(int[] pids)
{
    // USER_HZ is 100 on every Linux this runs on; /proc reports times in these ticks.
    private const double TicksPerSecond = 100.0;
    private readonly long _start = Ticks(pids);
    private readonly long _clock = Stopwatch.GetTimestamp();

    /// <summary>Cores used since construction, summed over the members.</summary>
    public double Cores() => (Ticks(pids) - _start) / TicksPerSecond / Stopwatch.GetElapsedTime(_clock).TotalSeconds;

    private static long Ticks(int[] pids) => pids.Sum(pid =>
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    });
}
