using MongoDB.Bson;
using ReplicaActors.Member.Core;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;

namespace ReplicaActors.Tests.Consensus;

public class VoteAnswerTests
{
    private static readonly OpTime Fresh = new(new Timestamp(100, 1), 5);
    private static readonly OpTime Stale = new(new Timestamp(50, 1), 4);

    private static RequestVote Request(int candidate, long term, OpTime lastWritten, bool dryRun = false) =>
        new(SetOf(3).Name, dryRun, term, candidate, SetOf(3).Version, SetOf(3).Term, lastWritten);

    [Fact]
    public void A_candidate_moved_to_a_newer_term_by_a_request_it_refuses_loses_its_round()
    {
        // Member 0 runs its real round in term 5 (it voted for itself); staler member 2 asks for term 6. The refusal
        // still moves 0 to term 6, and a round of term 5 must not go on: won later, it would make 0 primary in
        // term 6, a term member 2 or another may win too. (The actor once ended the round only on a granted vote.)
        var answer = VoteAnswer.To(Request(2, 6, Stale), SetOf(3), selfId: 0, MemberState.Secondary, candidating: true,
            term: 5, Fresh, votedFor: 0, healthyPrimaryId: null);

        Assert.False(answer.Reply.Granted);
        Assert.Equal(6, answer.Reply.Term);
        Assert.Equal(new TermChanged(6, null), answer.ToPersist);
        Assert.True(answer.LoseElection);
        Assert.False(answer.StepDown);
        Assert.False(answer.ResetElectionTimer);
    }

    [Fact]
    public void A_secondary_that_grants_a_vote_persists_it_and_waits_a_full_election_timeout()
    {
        var answer = VoteAnswer.To(Request(2, 6, Fresh), SetOf(3), selfId: 0, MemberState.Secondary, candidating: false,
            term: 5, Stale, votedFor: null, healthyPrimaryId: null);

        Assert.True(answer.Reply.Granted);
        Assert.Equal(new TermChanged(6, 2), answer.ToPersist);
        Assert.True(answer.ResetElectionTimer);
        Assert.False(answer.LoseElection);
        Assert.False(answer.StepDown);
    }

    [Fact]
    public void A_primary_moved_to_a_newer_term_steps_down()
    {
        var answer = VoteAnswer.To(Request(2, 6, Fresh), SetOf(3), selfId: 0, MemberState.Primary, candidating: false,
            term: 5, Fresh, votedFor: 0, healthyPrimaryId: 0);

        Assert.Equal(6, answer.ToPersist!.Term);
        Assert.True(answer.StepDown);
        Assert.False(answer.LoseElection);
    }

    [Fact]
    public void A_dry_run_changes_nothing_durable_and_costs_no_role()
    {
        var answer = VoteAnswer.To(Request(2, 6, Fresh, dryRun: true), SetOf(3), selfId: 0, MemberState.Secondary, candidating: true,
            term: 5, Stale, votedFor: 0, healthyPrimaryId: null);

        Assert.True(answer.Reply.Granted);
        Assert.True(answer.Reply.DryRun);
        Assert.Null(answer.ToPersist);
        Assert.False(answer.LoseElection || answer.StepDown || answer.ResetElectionTimer);
    }
}
