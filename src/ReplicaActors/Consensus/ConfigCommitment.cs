using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>
/// Whether a primary's current config is committed, so a safe reconfig may replace it (MongoDB's two conditions): a
/// majority of its voters hold it (this member included), and the oplog is committed under it, which the primary
/// knows once an entry of its own term (its election no-op) is majority-committed.
/// </summary>
public static class ConfigCommitment
{
    /// <param name="heldByUpPeers">The config (version and term) each reachable other member last said it holds.</param>
    /// <returns>Null when committed; otherwise what is missing.</returns>
    public static string? WhyNotCommitted(ReplicaSetConfig current, int selfId, IReadOnlyDictionary<int, ConfigVersionAndTerm?> heldByUpPeers, OpTime commitPoint, long term)
    {
        var holding = current.Voters.Count(v => v.Id == selfId || (heldByUpPeers.TryGetValue(v.Id, out var held) && held == current.VersionAndTerm));
        if (holding < current.MajorityVoteCount)
            return $"the current config {current.VersionAndTerm} is held by {holding} of its voters, and a majority is {current.MajorityVoteCount}";
        if (commitPoint.Term != term)
            return $"no entry of this primary's term {term} is majority-committed yet (the commit point is {commitPoint})";
        return null;
    }
}
