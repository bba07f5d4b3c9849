using ReplicaActors.Config;
using ReplicaActors.Consensus;

namespace ReplicaActors.Member.Core;

/// <summary>
/// A primary that has not seen a majority of voters for a whole election timeout steps down, so that a primary cut
/// off in a minority stops taking writes about when the majority side elects another. Pure; the member actor and
/// <see cref="MemberCore"/> share it, and call it on their periodic check while primary.
/// </summary>
public sealed class MajorityWatch
{
    private DateTimeOffset? _lostSince;

    public bool ShouldStepDown(ReplicaSetConfig config, int selfId, IReadOnlyList<MemberView> others, DateTimeOffset now)
    {
        if (!StepDownRules.ShouldStepDownForLostMajority(config, selfId, others))
        {
            _lostSince = null;
            return false;
        }
        _lostSince ??= now;
        return now - _lostSince.Value >= config.Settings.ElectionTimeout;
    }

    /// <summary>A new term as primary starts with the majority in sight.</summary>
    public void Reset() => _lostSince = null;
}
