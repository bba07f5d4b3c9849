using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>
/// How a voter answers a vote request (MongoDB's <c>processReplSetRequestVotes</c>): the checks run in the
/// spec's order and the first that fails decides the "no". Data-bearing voters never compare priorities:
/// priority acts through takeovers; only an arbiter protects a healthy primary of higher priority.
/// </summary>
public static class VoteRules
{
    public static VoteResponse Decide(VoterState voter, VoteRequest request)
    {
        // A real request at a higher term moves the voter to it before anything else; a dry run changes nothing.
        var term = request.DryRun ? voter.Term : Math.Max(voter.Term, request.Term);
        var refusal = FindRefusal(voter, request, term);
        if (refusal is { } no) return new VoteResponse(term, false, no.Refusal, no.Reason, null);
        var vote = request.DryRun ? (LastVote?)null : new LastVote(request.Term, request.CandidateId);
        return new VoteResponse(term, true, VoteRefusal.None, "", vote);
    }

    private static (VoteRefusal Refusal, string Reason)? FindRefusal(VoterState voter, VoteRequest request, long term)
    {
        var mine = voter.Config.VersionAndTerm;
        if (request.CandidateConfig < mine)
            return (VoteRefusal.CandidateConfigOlder, $"candidate's config {request.CandidateConfig} is older than mine {mine}");
        if (request.Term < term)
            return (VoteRefusal.TermOlder, $"candidate's term {request.Term} is older than mine {term}");
        if (request.SetName != voter.Config.Name)
            return (VoteRefusal.SetNameDiffers, $"candidate's set name '{request.SetName}' differs from mine '{voter.Config.Name}'");
        if (request.LastWrittenOpTime < voter.LastWrittenOpTime)
            return (VoteRefusal.CandidateOplogOlder, $"candidate's last written OpTime {request.LastWrittenOpTime} is older than mine {voter.LastWrittenOpTime}");
        if (!request.DryRun && voter.LastVote is { } last && last.Term == request.Term)
            return (VoteRefusal.AlreadyVoted, $"already voted for member {last.CandidateId} in term {last.Term}");
        if (ArbiterProtectsPrimary(voter, request) is { } primary)
            return (VoteRefusal.ArbiterSeesPrimary, $"arbiter sees a healthy primary, {primary.Describe()}, of priority {primary.Priority} ≥ the candidate's");
        return null;
    }

    private static MemberConfig? ArbiterProtectsPrimary(VoterState voter, VoteRequest request)
    {
        var self = voter.Config.FindById(voter.SelfId);
        if (self is not { ArbiterOnly: true } || request.CandidateConfig != voter.Config.VersionAndTerm) return null;
        if (voter.HealthyPrimaryId is not { } primaryId || primaryId == request.CandidateId) return null;
        var primary = voter.Config.FindById(primaryId);
        var candidate = voter.Config.FindById(request.CandidateId);
        return primary is not null && candidate is not null && primary.Priority >= candidate.Priority ? primary : null;
    }
}
