using ReplicaActors.Protocol;

namespace ReplicaActors.Client;

/// <summary>Where a command goes and which failures mean "try again elsewhere".</summary>
public static class CommandRouting
{
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
    public static CommandKind KindOf(string commandName) => CommandCatalog.KindOf(commandName);

    /// <summary>The member changed role or could not be reached: another member (or the same, later) may succeed.</summary>
    public static bool IsRetryable(ErrorCode code) => Retryable.Contains(code);

    /// <summary>The error code of a failed reply, or null when it succeeded.</summary>
    public static ErrorCode? ErrorOf(CommandReply reply) =>
        reply.Ok ? null
        : reply.Body.TryGetValue("code", out var code) && code.IsNumeric ? (ErrorCode)code.ToInt32()
        : ErrorCode.InternalError;
}
