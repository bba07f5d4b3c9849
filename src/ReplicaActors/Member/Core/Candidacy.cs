using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member.Core;

/// <summary>
/// One member's election round (protocol version 1): a dry run first, then the real vote in the next term, each
/// counted by <see cref="ElectionTally"/>. Pure; the member actor and <see cref="MemberCore"/> share it. What comes
/// between the rounds (the term and the vote for oneself made durable) and after them is the caller's.
/// </summary>
public sealed class Candidacy
{
    private ElectionTally? _tally;

    public bool Running => _tally is not null;

    public bool IsDryRun { get; private set; }

    /// <summary>The running round's tally (null when no round runs).</summary>
    public ElectionTally? Tally => _tally;

    /// <summary>
    /// Starts a round in <paramref name="term"/>: the request to send to every other voter, or null when this
    /// member's own vote is already a majority (the round is won at once).
    /// </summary>
    public RequestVote? Start(ReplicaSetConfig config, int selfId, long term, bool dryRun, OpTime lastWritten)
    {
        IsDryRun = dryRun;
        _tally = ElectionTally.Start(config, selfId, term);
        return _tally.Outcome == ElectionOutcome.Won
            ? null
            : new RequestVote(config.Name, dryRun, term, selfId, config.Version, config.Term, lastWritten);
    }

    /// <summary>Counts a reply: the round's outcome so far, or null when the reply belongs to no running round.</summary>
    public ElectionOutcome? Record(VoteReply reply)
    {
        if (_tally is not { } tally || reply.DryRun != IsDryRun) return null;
        // A real vote is granted in the term it was asked for: a late grant from an earlier round of this member's
        // must not count in this one (with it, two members could win the same term). Refusals from a newer term still count.
        if (!IsDryRun && reply.Term < tally.Term) return null;
        _tally = tally.Record(reply.VoterId,
            new VoteResponse(reply.Term, reply.Granted, reply.Granted ? VoteRefusal.None : VoteRefusal.TermOlder, reply.Reason, null));
        return _tally.Outcome;
    }

    /// <summary>Whether a round timeout for <paramref name="term"/> and <paramref name="dryRun"/> is for the running round.</summary>
    public bool IsRound(long term, bool dryRun) => _tally is { } tally && tally.Term == term && IsDryRun == dryRun;

    /// <summary>Why the running round was lost, from its tally.</summary>
    public string LossReason() =>
        _tally?.HigherTermSeen is { } higher ? $"a voter is in term {higher}" : "a majority refused";

    public void End() => _tally = null;
}
