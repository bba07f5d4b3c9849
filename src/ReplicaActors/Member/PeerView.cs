using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>What this member last heard from another member, through heartbeats.</summary>
public sealed record PeerView(
    int Id,
    MemberState State,
    bool Up,
    DateTimeOffset? LastHeartbeat,
    DateTimeOffset? LastHeartbeatReceived,
    OpTime Applied,
    OpTime Durable,
    double PingMillis,
    int? SyncSourceId,
    long Term,
    long ElectionMillis,
    string Message,
    DateTimeOffset? UpSince = null)
{
    public static PeerView NeverHeard(int id) =>
        new(id, MemberState.Unknown, false, null, null, OpTime.Null, OpTime.Null, 0, null, -1, 0, "no heartbeat received from this member yet");

    /// <summary>The config the member last said it holds; a reconfig waits for a majority to hold the current one.</summary>
    public ConfigVersionAndTerm? ConfigVersionAndTerm { get; init; }

    public MemberView ToMemberView() => new(Id, Up ? State : MemberState.Down, Up, Applied, Durable, PingMillis, SyncSourceId);
}
