using ReplicaActors.Protocol;

namespace ReplicaActors.Client;

public enum CommandKind
{
    /// <summary>Changes data: primary only, tagged with a writeId so that a retry never applies it twice.</summary>
    Write,

    /// <summary>Reads data: any member the read preference allows.</summary>
    Read,

    /// <summary>About one member or the set as one member sees it: sent to the first seed that answers.</summary>
    Admin,

    /// <summary>Primary only and never retried: retrying a stepdown or reconfig could act on the next primary.</summary>
    PrimaryOnly,
}

/// <summary>Where a command goes and which failures mean "try again elsewhere".</summary>
public static class CommandRouting
{
    private static readonly HashSet<string> Writes =
        ["insert", "update", "delete", "findAndModify", "createIndexes", "dropIndexes", "drop", "dropDatabase", "create", "collMod", "renameCollection"];

    private static readonly HashSet<string> Reads =
        ["find", "count", "distinct", "aggregate", "listIndexes", "listCollections", "listDatabases"];

    private static readonly HashSet<string> Admin =
        ["hello", "isMaster", "ping", "buildInfo", "serverStatus", "replSetGetStatus", "replSetGetConfig", "replSetInitiate", "replSetFreeze", "replSetStepUp", "replSetSyncFrom", "resync"];

    private static readonly HashSet<ErrorCode> Retryable =
    [
        ErrorCode.NotWritablePrimary,
        ErrorCode.PrimarySteppedDown,
        ErrorCode.InterruptedDueToReplStateChange,
        ErrorCode.NotPrimaryNoSecondaryOk,
        ErrorCode.NotPrimaryOrSecondary,
        ErrorCode.HostUnreachable,
        ErrorCode.NetworkTimeout,
    ];

    /// <summary>Unknown commands go to the primary and are not retried: the safe guess for a command that may write.</summary>
    public static CommandKind KindOf(string commandName) =>
        Writes.Contains(commandName) ? CommandKind.Write
        : Reads.Contains(commandName) ? CommandKind.Read
        : Admin.Contains(commandName) ? CommandKind.Admin
        : CommandKind.PrimaryOnly;

    /// <summary>The member changed role or could not be reached: another member (or the same, later) may succeed.</summary>
    public static bool IsRetryable(ErrorCode code) => Retryable.Contains(code);

    /// <summary>The error code of a failed reply, or null when it succeeded.</summary>
    public static ErrorCode? ErrorOf(CommandReply reply) =>
        reply.Ok ? null
        : reply.Body.TryGetValue("code", out var code) && code.IsNumeric ? (ErrorCode)code.ToInt32()
        : ErrorCode.InternalError;
}
