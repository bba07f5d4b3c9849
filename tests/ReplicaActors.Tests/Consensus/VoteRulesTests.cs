using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

/// <summary>
/// Member 1 of a P-S-S set (config version 1, term 1) is at term 5 with its newest entry at (100, t5).
/// Member 0 asks for its vote; each row changes one thing.
/// </summary>
public class VoteRulesTests
{
    private static readonly ReplicaSetConfig Pss = SetOf(3);

    private static readonly VoterState Voter = new(Pss, SelfId: 1, Term: 5, LastWrittenOpTime: Op(100, 5), LastVote: null, HealthyPrimaryId: null);

    private static readonly VoteRequest Request = new("rs0", DryRun: false, Term: 6, CandidateId: 0, new ConfigVersionAndTerm(1, 1), Op(100, 5));

    public static TheoryData<string, VoterState, VoteRequest, VoteRefusal> Refusals => new()
    {
        { "the candidate's config is older", Voter with { Config = Pss with { Version = 2 } }, Request, VoteRefusal.CandidateConfigOlder },
        { "the candidate's config is of an older term", Voter with { Config = Pss with { Term = 2 } }, Request with { CandidateConfig = new(5, 1) }, VoteRefusal.CandidateConfigOlder },
        { "the request's term is older", Voter, Request with { Term = 4 }, VoteRefusal.TermOlder },
        { "a dry run below the voter's term", Voter, Request with { DryRun = true, Term = 4 }, VoteRefusal.TermOlder },
        { "the set name differs", Voter, Request with { SetName = "other" }, VoteRefusal.SetNameDiffers },
        { "the candidate's oplog is older", Voter, Request with { LastWrittenOpTime = Op(99, 5) }, VoteRefusal.CandidateOplogOlder },
        { "the candidate's oplog is older by increment", Voter with { LastWrittenOpTime = Op(100, 5, 3) }, Request with { LastWrittenOpTime = Op(100, 5, 2) }, VoteRefusal.CandidateOplogOlder },
        { "the voter already voted in this term", Voter with { LastVote = new LastVote(6, 2) }, Request, VoteRefusal.AlreadyVoted },
        { "the voter already voted for this very candidate in this term", Voter with { LastVote = new LastVote(6, 0) }, Request, VoteRefusal.AlreadyVoted },
        { "config older beats every later check", Voter with { Config = Pss with { Version = 2 } }, Request with { Term = 4, SetName = "x", LastWrittenOpTime = Op(1, 1) }, VoteRefusal.CandidateConfigOlder },
        { "term older beats set name", Voter, Request with { Term = 4, SetName = "x" }, VoteRefusal.TermOlder },
        { "set name beats freshness", Voter, Request with { SetName = "x", LastWrittenOpTime = Op(1, 1) }, VoteRefusal.SetNameDiffers },
        { "freshness beats the vote already given", Voter with { LastVote = new LastVote(6, 2) }, Request with { LastWrittenOpTime = Op(1, 1) }, VoteRefusal.CandidateOplogOlder },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void The_voter_says_no_when(string story, VoterState voter, VoteRequest request, VoteRefusal expected)
    {
        var response = VoteRules.Decide(voter, request);

        Assert.False(response.VoteGranted, story);
        Assert.Equal(expected, response.Refusal);
        Assert.NotEmpty(response.Reason);
        Assert.Null(response.VoteToPersist);
    }

    [Fact]
    public void A_real_vote_is_granted_moves_the_voter_to_the_new_term_and_must_be_persisted()
    {
        var response = VoteRules.Decide(Voter, Request);

        Assert.True(response.VoteGranted);
        Assert.Equal(6, response.Term);
        Assert.Equal(new LastVote(6, 0), response.VoteToPersist);
    }

    [Fact]
    public void A_dry_run_is_granted_without_changing_the_voters_term_or_recording_a_vote()
    {
        var response = VoteRules.Decide(Voter with { LastVote = new LastVote(6, 2) }, Request with { DryRun = true });

        Assert.True(response.VoteGranted);
        Assert.Equal(5, response.Term);
        Assert.Null(response.VoteToPersist);
    }

    [Fact]
    public void A_fresher_candidate_and_a_newer_candidate_config_are_fine()
    {
        var response = VoteRules.Decide(Voter, Request with { LastWrittenOpTime = Op(200, 5), CandidateConfig = new(3, 1) });

        Assert.True(response.VoteGranted);
    }

    [Fact]
    public void A_real_request_at_an_older_term_answers_with_the_voters_term()
    {
        var response = VoteRules.Decide(Voter, Request with { Term = 3 });

        Assert.Equal(5, response.Term);
    }

    /// <summary>P-S-A where the arbiter (2) still sees the primary (member <c>primary</c>) up.</summary>
    [Theory]
    [InlineData("the arbiter sees a primary of equal priority", 1.0, 1.0, 1, false)]
    [InlineData("the arbiter sees a primary of higher priority", 2.0, 1.0, 1, false)]
    [InlineData("the candidate outranks the primary the arbiter sees", 1.0, 2.0, 1, true)]
    [InlineData("the primary the arbiter sees is the candidate itself", 1.0, 1.0, 0, true)]
    public void An_arbiter_protects_a_healthy_primary_of_at_least_the_candidates_priority(
        string story, double primaryPriority, double candidatePriority, int primary, bool granted)
    {
        var psa = Set(ConfigMember(0, candidatePriority), ConfigMember(1, primaryPriority), Arbiter(2));
        var arbiter = new VoterState(psa, SelfId: 2, Term: 5, LastWrittenOpTime: OpTimeOfArbiter, LastVote: null, HealthyPrimaryId: primary);

        var response = VoteRules.Decide(arbiter, Request);

        Assert.True(granted == response.VoteGranted, story);
        if (!granted) Assert.Equal(VoteRefusal.ArbiterSeesPrimary, response.Refusal);
    }

    [Fact]
    public void The_arbiter_rule_applies_only_when_both_sides_have_the_same_config()
    {
        var psa = Set(ConfigMember(0), ConfigMember(1), Arbiter(2));
        var arbiter = new VoterState(psa, 2, 5, OpTimeOfArbiter, null, HealthyPrimaryId: 1);

        var response = VoteRules.Decide(arbiter, Request with { CandidateConfig = new(2, 1) });

        Assert.True(response.VoteGranted);
    }

    [Fact]
    public void A_data_bearing_voter_never_compares_priorities()
    {
        var config = Set(ConfigMember(0, 1), ConfigMember(1, 5), ConfigMember(2, 5));
        var voter = Voter with { Config = config, SelfId = 2, HealthyPrimaryId = 1 };

        var response = VoteRules.Decide(voter, Request);

        Assert.True(response.VoteGranted);
    }

    private static readonly OpTime OpTimeOfArbiter = OpTime.Null;
}
