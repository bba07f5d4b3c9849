namespace ReplicaActors.Consensus;

/// <summary>The vote a member gave in a term. Persisted before the vote is sent, so a restart cannot vote twice.</summary>
public readonly record struct LastVote(long Term, int CandidateId);
