using ReplicaActors.Consensus;
using static ReplicaActors.Tests.Config.ConfigFixtures;

namespace ReplicaActors.Tests.Consensus;

public class ElectionTallyTests
{
    private static VoteResponse Yes(long term = 6) => new(term, true, VoteRefusal.None, "", null);

    private static VoteResponse No(long term = 6) => new(term, false, VoteRefusal.CandidateOplogOlder, "older", null);

    /// <summary>Votes are written "1y 2n": member 1 says yes, member 2 no. The candidate is member 0, asking at term 6.</summary>
    [Theory]
    [InlineData("P-S-S, nobody answered yet", 3, "", ElectionOutcome.Pending)]
    [InlineData("P-S-S, one yes makes two of three", 3, "1y", ElectionOutcome.Won)]
    [InlineData("P-S-S, one no still leaves a chance", 3, "1n", ElectionOutcome.Pending)]
    [InlineData("P-S-S, two noes", 3, "1n 2n", ElectionOutcome.Lost)]
    [InlineData("five voters, two yes is three", 5, "1y 2y", ElectionOutcome.Won)]
    [InlineData("five voters, three noes", 5, "1n 2n 3n", ElectionOutcome.Lost)]
    [InlineData("four voters need three", 4, "1y", ElectionOutcome.Pending)]
    [InlineData("four voters, two noes lose", 4, "1y 2n 3n", ElectionOutcome.Lost)]
    [InlineData("a repeated yes counts once", 5, "1y 1y", ElectionOutcome.Pending)]
    [InlineData("a single member elects itself", 1, "", ElectionOutcome.Won)]
    public void A_majority_of_voters_wins(string story, int voters, string votes, ElectionOutcome expected)
    {
        var tally = ElectionTally.Start(SetOf(voters), candidateId: 0, term: 6);
        foreach (var vote in votes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            tally = tally.Record(vote[0] - '0', vote[1] == 'y' ? Yes() : No());

        Assert.True(expected == tally.Outcome, story);
    }

    [Fact]
    public void Votes_of_non_voters_and_strangers_do_not_count()
    {
        var config = Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), NonVoter(3));

        var tally = ElectionTally.Start(config, 0, 6).Record(3, Yes()).Record(9, Yes());

        Assert.Equal(ElectionOutcome.Pending, tally.Outcome);
        Assert.Single(tally.Yes);
    }

    [Fact]
    public void An_answer_from_a_higher_term_loses_the_election_even_with_a_majority()
    {
        var tally = ElectionTally.Start(SetOf(5), 0, 6).Record(1, Yes()).Record(2, No(term: 8)).Record(3, Yes());

        Assert.Equal(ElectionOutcome.Lost, tally.Outcome);
        Assert.Equal(8, tally.HigherTermSeen);
    }

    [Fact]
    public void A_catch_up_takeover_dry_run_needs_the_primarys_yes()
    {
        var start = ElectionTally.Start(SetOf(3), 0, 6, requiredYesFrom: 1);

        Assert.Equal(ElectionOutcome.Pending, start.Record(2, Yes()).Outcome);
        Assert.Equal(ElectionOutcome.Won, start.Record(2, Yes()).Record(1, Yes()).Outcome);
        Assert.Equal(ElectionOutcome.Lost, start.Record(2, Yes()).Record(1, No()).Outcome);
    }

    [Fact]
    public void A_non_voting_candidate_does_not_vote_for_itself()
    {
        var config = Set(ConfigMember(0), ConfigMember(1), NonVoter(2));

        var tally = ElectionTally.Start(config, 2, 6).Record(0, Yes());

        Assert.Equal(ElectionOutcome.Pending, tally.Outcome);
    }
}
