namespace ReplicaActors.Protocol;

/// <summary>Replica member states, with MongoDB's numbers (as <c>replSetGetStatus</c> reports them).</summary>
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

public static class MemberStateNames
{
    /// <summary>The state as MongoDB spells it: PRIMARY, SECONDARY, STARTUP2...</summary>
    public static string ToDisplay(this MemberState state) => state.ToString().ToUpperInvariant();

    public static bool IsReadable(this MemberState state) => state is MemberState.Primary or MemberState.Secondary;
}
