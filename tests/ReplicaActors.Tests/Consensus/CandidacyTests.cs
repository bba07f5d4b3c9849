using ReplicaActors.Consensus;
using ReplicaActors.Member.Core;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;

namespace ReplicaActors.Tests.Consensus;

public class CandidacyTests
{
    [Fact]
    public void A_late_grant_from_an_earlier_round_does_not_count_in_a_newer_one()
    {
        // Member 0 of three lost its term-5 round; member 2's grant for term 5 arrives while 0 asks for term 6.
        var candidacy = new Candidacy();
        Assert.NotNull(candidacy.Start(SetOf(3), selfId: 0, term: 6, dryRun: false, OpTime.Null));

        Assert.Null(candidacy.Record(new VoteReply(2, DryRun: false, Term: 5, Granted: true, "granted")));
        Assert.Equal(ElectionOutcome.Pending, candidacy.Tally!.Outcome);
        Assert.Equal(ElectionOutcome.Won, candidacy.Record(new VoteReply(2, DryRun: false, Term: 6, Granted: true, "granted")));
    }

    [Fact]
    public void A_refusal_from_a_newer_term_ends_the_round()
    {
        var candidacy = new Candidacy();
        candidacy.Start(SetOf(3), selfId: 0, term: 6, dryRun: false, OpTime.Null);

        candidacy.Record(new VoteReply(1, DryRun: false, Term: 7, Granted: false, "newer term"));

        Assert.Equal(ElectionOutcome.Lost, candidacy.Record(new VoteReply(2, DryRun: false, Term: 7, Granted: false, "newer term")));
        Assert.Equal("a voter is in term 7", candidacy.LossReason());
    }

    [Fact]
    public void A_reply_to_the_dry_run_does_not_count_in_the_real_round()
    {
        var candidacy = new Candidacy();
        candidacy.Start(SetOf(3), selfId: 0, term: 6, dryRun: false, OpTime.Null);

        Assert.Null(candidacy.Record(new VoteReply(1, DryRun: true, Term: 6, Granted: true, "would vote")));
    }
}
