using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>Whether a step-down may complete now, and why (not).</summary>
public sealed record StepDownCheck(bool Safe, string Reason);

/// <summary>
/// When a primary steps down: by request once it is safe (its newest write on a write majority and an electable
/// secondary caught up, so no acknowledged write is lost and someone can take over), and unconditionally when it
/// can no longer see a majority of voters.
/// </summary>
public static class StepDownRules
{
    public const int DefaultStepDownSecs = 60;
    public const int DefaultSecondaryCatchUpPeriodSecs = 10;

    /// <summary>replSetStepDown's arguments: the freeze must outlast the wait for a secondary to catch up.</summary>
    public static void ValidateArguments(long stepDownSecs, long secondaryCatchUpPeriodSecs)
    {
        if (secondaryCatchUpPeriodSecs < 0)
            throw new ReplicaException(ErrorCode.BadValue, $"replSetStepDown: secondaryCatchUpPeriodSecs must be 0 or more, got {secondaryCatchUpPeriodSecs}");
        if (stepDownSecs <= secondaryCatchUpPeriodSecs)
            throw new ReplicaException(ErrorCode.BadValue,
                $"replSetStepDown: stepDownSecs ({stepDownSecs}) must be greater than secondaryCatchUpPeriodSecs ({secondaryCatchUpPeriodSecs})");
    }

    /// <param name="lastApplied">The primary's newest write.</param>
    /// <param name="others">Views of the other members.</param>
    public static StepDownCheck CanStepDown(ReplicaSetConfig config, int selfId, OpTime lastApplied, IReadOnlyList<MemberView> others)
    {
        var self = config.FindById(selfId);
        if (self is null) return new(false, $"member {selfId} is not in the config");
        var have = config.VotingDataBearing.Count(m =>
            m.Id == selfId || others.FirstOrDefault(v => v.Id == m.Id) is { Up: true } v && v.Applied.HasReached(lastApplied));
        if (have < config.WriteMajorityCount)
            return new(false, $"the newest write {lastApplied} is on {have} voting data-bearing members, a majority needs {config.WriteMajorityCount}");
        var successor = CaughtUpElectableSecondaries(config, selfId, lastApplied, others).FirstOrDefault();
        return successor is null
            ? new(false, $"no electable secondary has caught up to {lastApplied}")
            : new(true, $"the newest write is on a majority and {successor.Describe()} has caught up");
    }

    /// <summary>The secondary to hand the election to after a step-down: caught up, highest priority, lowest id on ties.</summary>
    public static MemberConfig? ChooseHandoffCandidate(ReplicaSetConfig config, int selfId, OpTime lastApplied, IReadOnlyList<MemberView> others) =>
        CaughtUpElectableSecondaries(config, selfId, lastApplied, others).FirstOrDefault();

    /// <summary>A primary that cannot see a majority of voters (itself included) must step down.</summary>
    public static bool ShouldStepDownForLostMajority(ReplicaSetConfig config, int selfId, IEnumerable<MemberView> others) =>
        !VoterQuorum.SeesMajority(config, selfId, others);

    private static IEnumerable<MemberConfig> CaughtUpElectableSecondaries(ReplicaSetConfig config, int selfId, OpTime lastApplied, IReadOnlyList<MemberView> others) =>
        others
            .Where(v => v.Id != selfId && v.Up && v.State == MemberState.Secondary && v.Applied.HasReached(lastApplied))
            .Select(v => config.FindById(v.Id))
            .OfType<MemberConfig>()
            .Where(m => m.IsElectable)
            .OrderByDescending(m => m.Priority)
            .ThenBy(m => m.Id);
}
