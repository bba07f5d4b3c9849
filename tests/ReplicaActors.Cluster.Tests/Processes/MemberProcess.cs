using System.Diagnostics;

namespace ReplicaActors.Cluster.Tests.Processes;

/// <summary>A real member process (ReplicaActors.Node) on loopback, started, killed and restarted as a user would.</summary>
public sealed class MemberProcess : IDisposable
{
    private readonly string _replSet;
    private readonly string _dbPath;
    private readonly string[] _extraArgs;
    private readonly System.Text.StringBuilder _errors = new();
    private Process? _process;

    public MemberProcess(string replSet, int port, string dbPath, params string[] extraArgs)
    {
        _replSet = replSet;
        Port = port;
        _dbPath = dbPath;
        _extraArgs = extraArgs;
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public void Start()
    {
        var node = Path.Combine(AppContext.BaseDirectory, "ReplicaActors.Node.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { node, "--replSet", _replSet, "--port", Port.ToString(), "--dbpath", _dbPath }.Concat(_extraArgs))
            info.ArgumentList.Add(arg);
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the member process");
        // Drain the pipes so a chatty member never blocks on a full stdout; keep stderr, where a refused start says why.
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, line) => { if (line.Data is not null) lock (_errors) _errors.AppendLine(line.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What the process wrote to stderr so far.</summary>
    public string Errors
    {
        get { lock (_errors) return _errors.ToString(); }
    }

    /// <summary>The exit code of a process that stops by itself (a refused start), once its stderr is read to the end.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan deadline)
    {
        var process = _process ?? throw new InvalidOperationException("the member process was not started");
        await process.WaitForExitAsync().WaitAsync(deadline);
        return process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; what a crash or kill -9 does.</summary>
    public void Kill()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    /// <summary>A wire port whose remoting port (by the default offset the process uses) is free too.</summary>
    public static int FreePort() => TestKit.FreePorts.ForMember(TestKit.FreePorts.DefaultOffset);

    public void Dispose() => Kill();
}
