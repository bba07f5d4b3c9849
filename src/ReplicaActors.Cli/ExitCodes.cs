namespace ReplicaActors.Cli;

/// <summary>Process exit codes: scripts tell "the server said no" from "I typed it wrong".</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command reached no host, or a host refused it (ok: 0, write errors, write concern errors).</summary>
    public const int CommandFailed = 1;

    /// <summary>The command line itself is wrong: unknown palette or command, bad option, malformed JSON, unreadable file.</summary>
    public const int Usage = 2;
}
