using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

// Messages the member sends itself through its timers. One for a request carries the request's id,
// so a late one for a request already settled is recognised and ignored.

internal sealed record HeartbeatTick;

/// <summary>Frequent housekeeping: expired fetch waits, lost-majority and step-down checks, history pruning.</summary>
internal sealed record MaintenanceTick;

/// <summary>Time to check the oplog against its size cap (replica-actors.oplog.truncate-interval).</summary>
internal sealed record TruncationTick;

/// <summary>The election flow has a deadline due: an election timeout, a round's end or a takeover (<see cref="Core.Elections.NextDue"/>).</summary>
internal sealed record ElectionWake
{
    public static readonly ElectionWake Instance = new();
}

internal sealed record WriteConcernTimeout(long WaiterId);

internal static class TimerKeys
{
    public const string Heartbeat = "heartbeat";
    public const string Maintenance = "maintenance";
    public const string Truncation = "oplog-truncation";
    public const string Election = "election";

    public static string WriteConcern(long waiterId) => "wc-" + waiterId;
}
