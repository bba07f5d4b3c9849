using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member.Core;

/// <summary>
/// A member's answer to a vote request, as <see cref="VoteRules"/> decides it, and what the answer costs the member's
/// own role. The reply goes out only once <see cref="ToPersist"/> (a newer term, a granted vote) is durable. Then a
/// primary moved to a newer term steps down; a candidate whose term moved, or which gave its vote away, loses its
/// round (it must never go on to win a round of an older term in the newer one); and a secondary that granted a vote
/// waits a full election timeout before it stands itself. Pure; the member actor and <see cref="MemberCore"/> share it.
/// </summary>
public sealed record VoteAnswer(VoteReply Reply, TermChanged? ToPersist, bool StepDown, bool LoseElection, bool ResetElectionTimer)
{
    /// <param name="candidating">True while this member runs an election round of its own.</param>
    public static VoteAnswer To(RequestVote request, ReplicaSetConfig config, int selfId, MemberState state, bool candidating,
        long term, OpTime lastWritten, int? votedFor, int? healthyPrimaryId)
    {
        var voter = new VoterState(config, selfId, term, lastWritten, votedFor is { } candidate ? new LastVote(term, candidate) : null, healthyPrimaryId);
        var response = VoteRules.Decide(voter, new VoteRequest(request.SetName, request.DryRun, request.Term, request.CandidateId,
            new ConfigVersionAndTerm(request.ConfigVersion, request.ConfigTerm), request.LastWritten));
        var reply = new VoteReply(selfId, request.DryRun, response.Term, response.VoteGranted, response.Reason);
        if (response.Term <= term && response.VoteToPersist is null) return new VoteAnswer(reply, null, false, false, false);
        var stepDown = state == MemberState.Primary && response.Term > term;
        return new VoteAnswer(reply, new TermChanged(response.Term, response.VoteToPersist?.CandidateId),
            StepDown: stepDown,
            LoseElection: !stepDown && candidating,
            ResetElectionTimer: response.VoteGranted && (stepDown || state == MemberState.Secondary));
    }
}
