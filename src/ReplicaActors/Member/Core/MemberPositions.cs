using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member.Core;

public enum PositionOutcome
{
    /// <summary>Not newer than what was known (or from no member): nothing changed.</summary>
    Ignored,

    Recorded,

    /// <summary>The position was held in a newer term than this member's: the member moves to that term first; nothing was recorded.</summary>
    NewerTerm,
}

/// <summary>
/// Each member's replication progress as this member knows it (its own included), and what follows from it: a
/// primary's majority commit point and the progress a write concern counts. Pure; the member actor and
/// <see cref="MemberCore"/> share it, so the seeded simulator drives the very bookkeeping the actor runs.
/// </summary>
public sealed class MemberPositions
{
    private readonly Dictionary<int, MemberPosition> _positions = new();

    /// <summary>Every known position: what a secondary reports upstream along its sync-source chain.</summary>
    public IReadOnlyList<MemberPosition> All => _positions.Values.ToList();

    public MemberPosition? Of(int memberId) => _positions.GetValueOrDefault(memberId);

    public PositionOutcome Learn(MemberPosition position, long ownTerm)
    {
        if (position.MemberId < 0) return PositionOutcome.Ignored;
        if (position.Term > ownTerm) return PositionOutcome.NewerTerm;
        if (_positions.TryGetValue(position.MemberId, out var known)
            && known.Durable >= position.Durable && known.Applied >= position.Applied && known.Term >= position.Term)
            return PositionOutcome.Ignored;
        _positions[position.MemberId] = position;
        return PositionOutcome.Recorded;
    }

    /// <summary>The member's history changed under it (a rollback, a new initial sync): its old position says nothing now.</summary>
    public void Forget(int memberId) => _positions.Remove(memberId);

    public void Clear() => _positions.Clear();

    /// <summary>
    /// A primary's commit point: only members whose newest durable entry is in this primary's term count, since such a
    /// member holds this primary's history up to there, while an OpTime from another branch says nothing about it.
    /// Never moves back.
    /// </summary>
    public OpTime CommitPoint(ReplicaSetConfig config, long primaryTerm, OpTime current)
    {
        var durable = OfTerm(primaryTerm).Where(p => p.Durable.Term == primaryTerm).ToDictionary(p => p.MemberId, p => p.Durable);
        var next = Consensus.CommitPoint.Compute(config, primaryTerm, durable, current);
        return next > current ? next : current;
    }

    /// <summary>What a write concern counts: positions held in the primary's term.</summary>
    public IReadOnlyDictionary<int, MemberProgress> Progress(long primaryTerm) =>
        OfTerm(primaryTerm).ToDictionary(p => p.MemberId, p => new MemberProgress(p.Applied, p.Durable));

    /// <summary>
    /// Only positions their members held in the primary's term count toward the commit point and write concern: a
    /// member that voted in a newer term and then fetched this primary's entries must not make them count, since the
    /// new primary (elected with its vote, perhaps before it had them) may lack them. Found by the simulator.
    /// </summary>
    private IEnumerable<MemberPosition> OfTerm(long term) => _positions.Values.Where(p => p.Term == term);
}
