using ReplicaActors.Config;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>
/// Everything the journal makes durable, folded from its events. One <see cref="Apply"/> serves
/// both the persist callbacks and recovery, so the two can never disagree.
/// </summary>
public sealed record MemberDurableState(long Term, int? VotedFor, ReplicaSetConfig? Config, OpTime LastOpTime, long LastWallMillis)
{
    public static readonly MemberDurableState Empty = new(0, null, null, OpTime.Null, 0);

    public MemberDurableState Apply(IMemberEvent e) => e switch
    {
        OplogAppended appended when appended.Entries.Count > 0 => this with
        {
            LastOpTime = appended.Entries[^1].OpTime,
            LastWallMillis = appended.Entries[^1].WallMillis,
        },
        OplogAppended => this,
        TermChanged changed when changed.Term < Term =>
            throw new InvalidOperationException($"term may not go back from {Term} to {changed.Term}"),
        TermChanged changed => this with { Term = changed.Term, VotedFor = changed.VotedFor },
        ConfigInstalled installed => this with { Config = installed.Config },
        RollbackApplied rollback => this with { LastOpTime = rollback.CommonPoint, LastWallMillis = rollback.CommonWallMillis },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "unknown member event"),
    };
}
