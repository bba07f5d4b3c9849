using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>
/// <c>replSetRequestVotes</c>: a candidate asks for a vote. A dry run asks "would you vote for me at this term?"
/// and changes nothing on the voter.
/// </summary>
public sealed record VoteRequest(
    string SetName,
    bool DryRun,
    long Term,
    int CandidateId,
    ConfigVersionAndTerm CandidateConfig,
    OpTime LastWrittenOpTime);

/// <summary>Why a voter said no; <see cref="None"/> when it said yes.</summary>
public enum VoteRefusal
{
    None,
    CandidateConfigOlder,
    TermOlder,
    SetNameDiffers,
    CandidateOplogOlder,
    AlreadyVoted,
    ArbiterSeesPrimary,
}

/// <summary>
/// The voter's answer. <see cref="Term"/> is the voter's term after the request (a real request at a higher term
/// moves the voter to it); <see cref="VoteToPersist"/> is set when a real vote was granted and must be stored
/// (with the term) before the reply is sent.
/// </summary>
public sealed record VoteResponse(long Term, bool VoteGranted, VoteRefusal Refusal, string Reason, LastVote? VoteToPersist);

/// <summary>What a voter knows when a request arrives.</summary>
/// <param name="HealthyPrimaryId">The primary this voter currently sees up, if any.</param>
public sealed record VoterState(
    ReplicaSetConfig Config,
    int SelfId,
    long Term,
    OpTime LastWrittenOpTime,
    LastVote? LastVote,
    int? HealthyPrimaryId);
