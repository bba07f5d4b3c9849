using System.Diagnostics;

namespace ReplicaActors.Bench;

/// <summary>
/// A member process seen through /proc: checked before it is killed, restarted with its own command line and
/// its DOTNET_* runtime settings (the launcher sets some, see LaunchCommand).
/// </summary>
internal sealed record MemberProcess(int Pid, string[] CommandLine, IReadOnlyList<KeyValuePair<string, string>> RuntimeSettings)
{
    private const string NodeMarker = "ReplicaActors.Node";

    /// <summary>Reads the PID's command line and refuses any process that is not the member on that port (guards against PID reuse).</summary>
    public static MemberProcess Inspect(int pid, string host)
    {
        var path = $"/proc/{pid}/cmdline";
        var args = File.Exists(path) ? File.ReadAllText(path).Split('\0', StringSplitOptions.RemoveEmptyEntries) : [];
        var port = host[(host.LastIndexOf(':') + 1)..];
        var portIndex = Array.IndexOf(args, "--port");
        if (!args.Any(a => a.Contains(NodeMarker)) || portIndex < 0 || portIndex + 1 >= args.Length || args[portIndex + 1] != port)
            throw new InvalidOperationException($"pid {pid} is not the ReplicaActors.Node member for {host} (cmdline: {string.Join(' ', args)})");
        var environ = File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var runtime = environ.Where(e => e.StartsWith("DOTNET_", StringComparison.Ordinal) && e.Contains('='))
            .Select(e => KeyValuePair.Create(e[..e.IndexOf('=')], e[(e.IndexOf('=') + 1)..])).ToList();
        return new MemberProcess(pid, args, runtime);
    }

    public void Kill() => Process.GetProcessById(Pid).Kill();

    /// <summary>Gone means no /proc entry or a zombie waiting for its parent: either way it can answer nothing.</summary>
    public bool IsGone()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] == 'Z';
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Starts the same command line again, its output appended to DBPATH/member.log as the launcher does.</summary>
    public MemberProcess Restart()
    {
        var dbIndex = Array.IndexOf(CommandLine, "--dbpath");
        var log = Path.Combine(CommandLine[dbIndex + 1], "member.log");
        // Through sh with exec, so the member writes straight to its log and outlives this bench process.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var arg in new[] { "-c", "exec \"$@\" >>\"$0\" 2>&1 </dev/null", log }.Concat(CommandLine))
            info.ArgumentList.Add(arg);
        foreach (var (name, value) in RuntimeSettings) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not restart {string.Join(' ', CommandLine)}");
        return new MemberProcess(process.Id, CommandLine, RuntimeSettings);
    }
}
