using ReplicaActors.Consensus;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

// Messages the member sends itself through its timers. Ticks carry the term they were set in,
// so a tick from an older term is recognised and ignored.

internal sealed record HeartbeatTick;

/// <summary>Frequent housekeeping: expired fetch waits, lost-majority and step-down checks, history pruning.</summary>
internal sealed record MaintenanceTick;

/// <summary>Time to check the oplog against its size cap (replica-actors.oplog.truncate-interval).</summary>
internal sealed record TruncationTick;

internal sealed record ElectionTimeoutTick(long Term);

internal sealed record ElectionRoundTimeout(long Term, bool DryRun);

internal sealed record WriteConcernTimeout(long WaiterId);

/// <summary>A step-down request's catch-up period ended.</summary>
internal sealed record StepDownDeadline(long RequestId, bool Force);

/// <summary>A delayed priority or catch-up takeover is due; it is re-checked before the member stands.</summary>
internal sealed record TakeoverTick(long Term, TakeoverKind Kind, string Reason);

internal static class TimerKeys
{
    public const string Heartbeat = "heartbeat";
    public const string Maintenance = "maintenance";
    public const string Truncation = "oplog-truncation";
    public const string Election = "election";
    public const string ElectionRound = "election-round";
    public const string StepDown = "step-down";
    public const string Takeover = "takeover";

    public static string WriteConcern(long waiterId) => "wc-" + waiterId;
}
