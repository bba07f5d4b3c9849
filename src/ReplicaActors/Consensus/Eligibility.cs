using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>Why a member may not stand for election now; <see cref="None"/> when it may.</summary>
public enum UnelectableReason
{
    None,
    NotInConfig,
    Arbiter,
    NotElectableByConfig,
    Frozen,
    NotSecondary,
    NoData,
    CannotSeeMajority,
}

/// <summary>The answer of <see cref="Eligibility.Check"/>: can stand, or the first reason it cannot.</summary>
public readonly record struct EligibilityResult(UnelectableReason Reason, string Message)
{
    public bool CanStand => Reason == UnelectableReason.None;

    public static readonly EligibilityResult Eligible = new(UnelectableReason.None, "");
}

/// <summary>What a member knows of itself and the set when it considers standing for election.</summary>
/// <param name="FrozenUntil">Until when it may not stand (after replSetFreeze or a step-down); in the past when not frozen.</param>
public sealed record CandidacyState(
    ReplicaSetConfig Config,
    int SelfId,
    MemberState State,
    OpTime LastApplied,
    IReadOnlyList<MemberView> Others,
    DateTimeOffset FrozenUntil);

/// <summary>Whether a member may stand for election now (MongoDB's <c>_getMyUnelectableReason</c>).</summary>
public static class Eligibility
{
    public static EligibilityResult Check(CandidacyState s, DateTimeOffset now)
    {
        var self = s.Config.FindById(s.SelfId);
        if (self is null) return No(UnelectableReason.NotInConfig, $"member {s.SelfId} is not in the config");
        if (self.ArbiterOnly) return No(UnelectableReason.Arbiter, $"{self.Describe()} is an arbiter");
        if (!self.IsElectable)
            return No(UnelectableReason.NotElectableByConfig, $"{self.Describe()} has priority {self.Priority} and votes {self.Votes}; standing needs priority > 0 and votes 1");
        if (now < s.FrozenUntil) return No(UnelectableReason.Frozen, $"{self.Describe()} is frozen until {s.FrozenUntil:O}");
        if (s.State != MemberState.Secondary) return No(UnelectableReason.NotSecondary, $"{self.Describe()} is {s.State}, not SECONDARY");
        if (s.LastApplied.IsNull) return No(UnelectableReason.NoData, $"{self.Describe()} has applied no oplog entry yet");
        var votes = VoterQuorum.VisibleVotes(s.Config, s.SelfId, s.Others);
        if (votes < s.Config.MajorityVoteCount)
            return No(UnelectableReason.CannotSeeMajority, $"{self.Describe()} sees {votes} of {s.Config.VoterCount} votes, needs {s.Config.MajorityVoteCount}");
        return EligibilityResult.Eligible;
    }

    private static EligibilityResult No(UnelectableReason reason, string message) => new(reason, message);
}
