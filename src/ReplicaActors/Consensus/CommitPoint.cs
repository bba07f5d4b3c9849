using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>
/// The majority commit point a primary computes: the newest OpTime durable on a write majority of voting
/// data-bearing members. It moves only forward, and only to an OpTime of the primary's own term: entries of
/// earlier terms become committed when an entry of this term is (Raft's rule, MongoDB's too).
/// </summary>
public static class CommitPoint
{
    /// <param name="durableByMember">Durable OpTimes by member id, the primary's own included; missing members count as having nothing.</param>
    /// <param name="current">The commit point so far; the result is never older.</param>
    public static OpTime Compute(ReplicaSetConfig config, long primaryTerm, IReadOnlyDictionary<int, OpTime> durableByMember, OpTime current)
    {
        var durable = config.VotingDataBearing
            .Select(m => durableByMember.TryGetValue(m.Id, out var t) ? t : OpTime.Null)
            .OrderDescending()
            .ToList();
        var needed = config.WriteMajorityCount;
        if (needed == 0 || durable.Count < needed) return current;
        var candidate = durable[needed - 1];
        return candidate.Term == primaryTerm && candidate > current ? candidate : current;
    }

    /// <summary>
    /// A commit point heard from another member (its primary, or its sync source) as far as it lies on this
    /// member's own history: only when it is in the term of this member's newest entry (MongoDB's rule; one
    /// primary per term makes every entry of that term up to the newest one this member's own), and never
    /// past that entry. A point of another term may lie on a branch this member left, and taking it would
    /// let the member read, or prune the undo history of, divergent entries as committed.
    /// </summary>
    public static OpTime Learn(OpTime current, OpTime heard, OpTime lastOpTime)
    {
        if (heard.IsNull || heard.Term != lastOpTime.Term) return current;
        var bound = OpTime.Min(heard, lastOpTime);
        return bound > current ? bound : current;
    }
}
