namespace ReplicaActors.Consensus;

/// <summary>A member's replica-set state, numbered as MongoDB numbers them on the wire.</summary>
public enum MemberState
{
    Startup = 0,
    Primary = 1,
    Secondary = 2,
    Recovering = 3,
    Startup2 = 5,
    /// <summary>Seen from others only: never heard from.</summary>
    Unknown = 6,
    Arbiter = 7,
    /// <summary>Seen from others only: not heard within the heartbeat timeout.</summary>
    Down = 8,
    Rollback = 9,
    Removed = 10,
}
