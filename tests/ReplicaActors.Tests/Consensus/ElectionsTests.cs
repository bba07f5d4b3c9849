using ReplicaActors.Config;
using ReplicaActors.Member.Core;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

/// <summary>The election flow the member actor and the simulated core both run, driven through chosen interleavings.</summary>
public class ElectionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);
    private static readonly OpTime Mine = Op(100, 5);

    private readonly PeerTable _peers = new();
    private readonly Elections _elections = new(new Random(7), TimeSpan.FromSeconds(2));

    private ElectionView View(ReplicaSetConfig config, MemberState state = MemberState.Secondary, long term = 5, OpTime? applied = null) =>
        new(config, 0, state, term, applied ?? Mine, applied ?? Mine, null, _peers);

    /// <summary>Member <paramref name="id"/> is heard in <paramref name="state"/> at <paramref name="applied"/>.</summary>
    private void Hear(ReplicaSetConfig config, int id, MemberState state, OpTime applied, long term = 5) =>
        _peers.Hear(new MemberReport(config.Name, id, term, state, applied, applied, OpTime.Null, null, 0, null), null, null, 5, 0, T0);

    private static DateTimeOffset AfterTimeout(ReplicaSetConfig config) => T0 + config.Settings.ElectionTimeout * 2;

    private ReplicaSetConfig SetWithPeersUp(int n = 3)
    {
        var config = SetOf(n);
        _peers.Reset(config, 0);
        for (var id = 1; id < n; id++) Hear(config, id, MemberState.Secondary, Op(90, 5));
        return config;
    }

    [Fact]
    public void A_secondary_that_hears_no_primary_stands_with_a_dry_run_once_the_timeout_passes()
    {
        var config = SetWithPeersUp();
        _elections.ResetElectionTimeout(config, T0);

        Assert.Empty(_elections.Tick(View(config), T0 + TimeSpan.FromMilliseconds(1)).OfType<ElectionStarted>());
        var effects = _elections.Tick(View(config), AfterTimeout(config));

        Assert.Equal(new ElectionStarted(6, DryRun: true, "no primary heard from within the election timeout"), effects.OfType<ElectionStarted>().Single());
        Assert.Equal(new RoundStarted(6, DryRun: true), effects.OfType<RoundStarted>().Single());
        Assert.Equal([1, 2], effects.OfType<Send>().Select(s => s.To).Order());
        Assert.All(effects.OfType<Send>(), s => Assert.Equal(new RequestVote("rs0", true, 6, 0, 1, 1, Mine), s.Message));
        Assert.Empty(effects.OfType<Persist>());
    }

    [Fact]
    public void A_won_dry_run_makes_the_term_and_the_own_vote_durable_before_any_real_vote_is_asked_for()
    {
        var config = SetWithPeersUp();
        _elections.ResetElectionTimeout(config, T0);
        var now = AfterTimeout(config);
        _elections.Tick(View(config), now);

        var effects = _elections.VoteReplyReceived(View(config), new VoteReply(1, true, 5, true, ""), now).ToList();

        var persist = effects.FindIndex(e => e is Persist);
        Assert.Equal(new Persist(new TermChanged(6, 0)), effects[persist]);
        var firstSend = effects.FindIndex(e => e is Send);
        Assert.True(persist < firstSend, "the real round's requests go out after the persist");
        Assert.All(effects.OfType<Send>(), s => Assert.False(((RequestVote)s.Message).DryRun));

        var won = _elections.VoteReplyReceived(View(config, term: 6), new VoteReply(2, false, 6, true, ""), now);
        Assert.Equal([new ElectionWon(6)], won);
        Assert.False(_elections.Running);
    }

    [Fact]
    public void A_round_that_runs_out_of_time_is_lost_and_the_next_timeout_is_a_full_one_away()
    {
        var config = SetWithPeersUp();
        _elections.ResetElectionTimeout(config, T0);
        var stood = AfterTimeout(config);
        _elections.Tick(View(config), stood);

        var late = stood + config.Settings.ElectionTimeout;
        var effects = _elections.Tick(View(config), late);

        Assert.Single(effects.OfType<ElectionLost>());
        Assert.False(_elections.Running);
        Assert.True(_elections.NextDue >= late + config.Settings.ElectionTimeout);
    }

    [Fact]
    public void One_refusal_from_a_newer_term_loses_the_round_at_once_and_moves_the_member_to_that_term()
    {
        var config = SetWithPeersUp();
        _elections.ResetElectionTimeout(config, T0);
        var now = AfterTimeout(config);
        _elections.Tick(View(config), now);

        var effects = _elections.VoteReplyReceived(View(config), new VoteReply(1, true, 9, false, "newer term"), now);

        Assert.Single(effects.OfType<ElectionLost>());
        Assert.Equal(new Persist(new TermChanged(9, null)), effects.OfType<Persist>().Single());
    }

    [Fact]
    public void A_primary_or_a_member_in_any_other_role_only_restarts_the_timeout_so_its_waker_never_spins()
    {
        var config = SetWithPeersUp();
        _elections.ResetElectionTimeout(config, T0);
        foreach (var state in new[] { MemberState.Primary, MemberState.Recovering, MemberState.Rollback })
        {
            var now = _elections.NextDue;
            var effects = _elections.Tick(View(config, state), now);

            Assert.Empty(effects.OfType<ElectionStarted>());
            Assert.True(_elections.NextDue > now, $"{state}: the next deadline is in the future");
        }
    }

    [Fact]
    public void A_secondary_that_hears_a_healthy_primary_does_not_stand_even_when_its_deadline_passed()
    {
        var config = SetWithPeersUp();
        Hear(config, 1, MemberState.Primary, Op(100, 5));
        _elections.ResetElectionTimeout(config, T0);

        var effects = _elections.Tick(View(config), AfterTimeout(config));

        Assert.Empty(effects.OfType<ElectionStarted>());
        Assert.True(_elections.NextDue > AfterTimeout(config));
    }

    [Fact]
    public void A_frozen_member_does_not_stand_until_the_freeze_ends()
    {
        var config = SetWithPeersUp();
        _elections.ResetElectionTimeout(config, T0);
        _elections.Freeze(AfterTimeout(config) + TimeSpan.FromSeconds(1));

        var frozen = _elections.Tick(View(config), AfterTimeout(config));
        Assert.Empty(frozen.OfType<ElectionStarted>());
        Assert.Contains(frozen.OfType<LogLine>(), n => n.Detail && n.Message.Contains("frozen"));

        var thawed = _elections.Tick(View(config), _elections.NextDue + TimeSpan.FromSeconds(1));
        Assert.Single(thawed.OfType<ElectionStarted>());
    }

    [Fact]
    public void A_higher_priority_member_takes_over_once_its_delay_passes_if_it_is_still_fresh()
    {
        var config = Set(ConfigMember(0, priority: 2), ConfigMember(1), ConfigMember(2));
        _peers.Reset(config, 0);
        Hear(config, 1, MemberState.Primary, Mine);
        Hear(config, 2, MemberState.Secondary, Mine);

        var scheduled = _elections.ConsiderTakeover(View(config), T0);
        Assert.Single(scheduled.OfType<LogLine>());
        var due = _elections.NextDue;
        Assert.Empty(_elections.Tick(View(config), due - TimeSpan.FromMilliseconds(1)).OfType<ElectionStarted>());

        var effects = _elections.Tick(View(config), due);
        Assert.Contains("priority 2 above the primary's 1", effects.OfType<ElectionStarted>().Single().Reason);
    }

    [Fact]
    public void A_takeover_is_dropped_when_the_member_fell_behind_by_the_time_it_is_due()
    {
        var config = Set(ConfigMember(0, priority: 2), ConfigMember(1), ConfigMember(2));
        _peers.Reset(config, 0);
        Hear(config, 1, MemberState.Primary, Mine);
        Hear(config, 2, MemberState.Secondary, Mine);
        _elections.ConsiderTakeover(View(config), T0);
        var due = _elections.NextDue;
        Hear(config, 1, MemberState.Primary, Op(200, 5));

        var effects = _elections.Tick(View(config), due);

        Assert.Empty(effects.OfType<ElectionStarted>());
        Assert.Contains(effects.OfType<LogLine>(), n => n.Message.Contains("no longer fresh enough"));
    }

    [Fact]
    public void A_primary_asked_for_a_vote_in_a_newer_term_persists_it_steps_down_and_only_then_replies()
    {
        var config = SetWithPeersUp();

        var effects = _elections.RequestVoteReceived(View(config, MemberState.Primary),
            new RequestVote("rs0", false, 6, 2, 1, 1, Op(200, 5)), T0).ToList();

        Assert.IsType<Persist>(effects[0]);
        Assert.Equal(new StepDownRequired("voted in term 6"), effects[1]);
        Assert.True(effects[^1] is VoteReplied { Reply.Granted: true });
    }

    [Fact]
    public void A_set_whose_only_voter_is_this_member_wins_at_once_after_persisting_its_term()
    {
        var config = Set(ConfigMember(0), NonVoter(1));
        _peers.Reset(config, 0);

        var effects = _elections.Stand(View(config), T0, "this member is the set's only voter", dryRun: false);

        Assert.Equal([new Persist(new TermChanged(6, 0)), new ElectionWon(6)], effects.Where(e => e is Persist or ElectionWon));
    }

    [Fact]
    public void A_safe_step_down_happens_at_once_freezes_the_member_and_hands_the_election_to_a_caught_up_secondary()
    {
        var config = SetOf(3);
        _peers.Reset(config, 0);
        Hear(config, 1, MemberState.Secondary, Mine);
        Hear(config, 2, MemberState.Secondary, Op(90, 5));

        var effects = _elections.StepDownRequested(View(config, MemberState.Primary), new StepDownRequest(1, 60, 10, Force: false), T0);

        Assert.Equal(new StepDownRequired("replSetStepDown"), effects[0]);
        Assert.Equal(new Send(1, new ElectionHandoff(5)), effects[1]);
        Assert.True(effects[2] is StepDownAnswered { RequestId: 1, Error: null });
        Assert.Equal(T0 + TimeSpan.FromSeconds(60), _elections.FrozenUntil);
    }

    [Fact]
    public void A_step_down_waits_for_a_secondary_to_catch_up_and_completes_on_the_first_tick_after()
    {
        var config = SetWithPeersUp();
        var primary = View(config, MemberState.Primary);

        Assert.Empty(_elections.StepDownRequested(primary, new StepDownRequest(1, 60, 10, Force: false), T0));
        Assert.True(_elections.StepDownPending);
        Assert.True(_elections.StepDownRequested(primary, new StepDownRequest(2, 60, 10, Force: false), T0).Single()
            is StepDownAnswered { RequestId: 2, Error: ErrorCode.ConflictingOperationInProgress });
        Assert.Empty(_elections.Tick(primary, T0 + TimeSpan.FromSeconds(1)).OfType<StepDownAnswered>());

        Hear(config, 2, MemberState.Secondary, Mine);
        var effects = _elections.Tick(primary, T0 + TimeSpan.FromSeconds(2));

        Assert.Contains(new StepDownRequired("replSetStepDown"), effects);
        Assert.Contains(new Send(2, new ElectionHandoff(5)), effects);
        Assert.False(_elections.StepDownPending);
    }

    [Fact]
    public void A_step_down_no_secondary_catches_up_for_fails_at_its_deadline_unless_forced()
    {
        var config = SetWithPeersUp();
        var primary = View(config, MemberState.Primary);
        _elections.StepDownRequested(primary, new StepDownRequest(1, 60, 10, Force: false), T0);
        Assert.Equal(T0 + TimeSpan.FromSeconds(10), _elections.NextDue);

        var refused = _elections.Tick(primary, T0 + TimeSpan.FromSeconds(10));
        Assert.True(refused.Single() is StepDownAnswered { Error: ErrorCode.ExceededTimeLimit });

        _elections.StepDownRequested(primary, new StepDownRequest(2, 60, 10, Force: true), T0);
        var forced = _elections.Tick(primary, T0 + TimeSpan.FromSeconds(10));
        Assert.Contains(new StepDownRequired("replSetStepDown with force after the catch-up period"), forced);
        Assert.Empty(forced.OfType<Send>());
    }

    [Fact]
    public void A_member_that_is_not_primary_refuses_to_step_down()
    {
        var config = SetWithPeersUp();

        var effects = _elections.StepDownRequested(View(config), new StepDownRequest(1, 60, 10, Force: true), T0);

        Assert.True(effects.Single() is StepDownAnswered { Error: ErrorCode.NotWritablePrimary });
    }
}
