using ReplicaActors.Config;

namespace ReplicaActors.Consensus;

/// <summary>Whether a member can see a majority of the set's voters (itself included).</summary>
public static class VoterQuorum
{
    public static int VisibleVotes(ReplicaSetConfig config, int selfId, IEnumerable<MemberView> others)
    {
        var self = config.FindById(selfId)?.Votes ?? 0;
        return self + others
            .Where(v => v.Id != selfId && v.Up)
            .Sum(v => config.FindById(v.Id)?.Votes ?? 0);
    }

    public static bool SeesMajority(ReplicaSetConfig config, int selfId, IEnumerable<MemberView> others) =>
        VisibleVotes(config, selfId, others) >= config.MajorityVoteCount;
}
