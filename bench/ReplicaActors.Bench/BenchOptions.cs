namespace ReplicaActors.Bench;

/// <summary>Command-line options shared by the bench modes; Pids lines up with Hosts (member i runs host i).</summary>
internal sealed record BenchOptions(string[] Hosts, int[] Pids, int Clients, int Seconds, int WarmupSeconds, string W, int Trials, string? PidFile, int Rate, int Rounds, string? T0File, int Watchers)
{
    public static BenchOptions Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var pids = Get("--pids", "");
        return new BenchOptions(Get("--hosts", "127.0.0.1:27301").Split(','),
            pids.Length == 0 ? [] : pids.Split(',').Select(int.Parse).ToArray(),
            int.Parse(Get("--clients", "1")), int.Parse(Get("--seconds", "10")), int.Parse(Get("--warmup", "2")),
            Get("--w", "majority"), int.Parse(Get("--trials", "5")),
            Get("--pid-file", "") is { Length: > 0 } pidFile ? pidFile : null, int.Parse(Get("--rate", "1000")),
            int.Parse(Get("--rounds", "1")),
            Get("--t0-file", "") is { Length: > 0 } t0File ? t0File : null,
            int.Parse(Get("--watchers", "100")));
    }
}
