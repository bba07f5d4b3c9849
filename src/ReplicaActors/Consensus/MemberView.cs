using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>
/// What this member knows of another member from heartbeats and position reports: the rules take a list of
/// these (never including self) as their picture of the set.
/// </summary>
public sealed record MemberView(int Id, MemberState State, bool Up, OpTime Applied, OpTime Durable, double PingMillis, int? SyncSourceId = null)
{
    /// <summary>PRIMARY and SECONDARY serve reads and oplog; the other states do not.</summary>
    public bool IsReadable => Up && State is MemberState.Primary or MemberState.Secondary;
}
