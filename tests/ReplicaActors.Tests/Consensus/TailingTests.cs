using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Member.Core;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

/// <summary>The tailing flow the member actor and the simulated core both run, driven through chosen interleavings.</summary>
public class TailingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    private static readonly RecoveryBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
    private static readonly ReplicaSetConfig Config = SetOf(3);

    private readonly Tailing _tailing = new(Backoff, new SyncSourceLimits(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)), TimeSpan.FromMilliseconds(500), ProbeTimeout);
    private readonly PeerTable _peers = new();
    private readonly OplogWindow _window = new(long.MaxValue);

    public TailingTests()
    {
        _peers.Reset(Config, 0);
        Hear(1, MemberState.Primary, Op(100, 5));
        Hear(2, MemberState.Secondary, Op(100, 5));
    }

    private void Hear(int id, MemberState state, OpTime applied) =>
        _peers.Hear(new MemberReport(Config.Name, id, 5, state, applied, applied, OpTime.Null, null, 0, null), null, null, 5, 0, T0);

    private static OplogEntry Entry(OpTime at) => new(at, 0, OpType.Noop, "", new BsonDocument("msg", "x"), null);

    private void Hold(params OpTime[] entries) => _window.Append(entries.Select(Entry).ToList(), _ => 0);

    private TailView View(MemberState state = MemberState.Secondary, OpTime? commitPoint = null) =>
        new(Config, 0, state, 5, _window.Newest, commitPoint ?? OpTime.Null, _window, _peers, CatchingUp: false);

    private static OplogBatch Answer(FetchOplog request, IReadOnlyList<OpTime>? entries = null, bool afterNotFound = false,
        OpTime? oldest = null, OpTime? newest = null, int from = 1) =>
        new(from, 5, Op(90, 5), (entries ?? []).Select(Entry).ToList(), afterNotFound, oldest ?? Op(1, 1), newest ?? Op(100, 5), request.RequestId);

    private static FetchOplog Request(IEnumerable<CoreEffect> effects) => (FetchOplog)effects.OfType<Send>().Single().Message;

    [Fact]
    public void A_secondary_follows_the_primary_and_fetches_the_next_batch_only_once_the_last_is_durable()
    {
        Hold(Op(50, 5));
        var chosen = _tailing.Heartbeat(View(), T0);
        Assert.Equal(1, chosen.OfType<Following>().Single().SourceId);
        var fetch = Request(chosen);
        Assert.Equal(Op(50, 5), fetch.After);

        var answered = _tailing.Batch(View(), Answer(fetch, [Op(60, 5), Op(70, 5)]), T0);
        var append = answered.OfType<AppendFetched>().Single();
        Assert.Equal([Op(60, 5), Op(70, 5)], append.Entries.Select(e => e.OpTime));
        Assert.Empty(answered.OfType<Send>());

        Hold(Op(60, 5), Op(70, 5));
        Assert.Equal(Op(70, 5), Request(_tailing.FetchAfterAppend(View(), T0, append.Run)).After);
    }

    [Fact]
    public void A_batch_made_durable_after_its_tail_was_stopped_starts_no_new_fetch()
    {
        Hold(Op(50, 5));
        var fetch = Request(_tailing.Heartbeat(View(), T0));
        var append = _tailing.Batch(View(), Answer(fetch, [Op(60, 5)]), T0).OfType<AppendFetched>().Single();

        _tailing.Stop("this member won an election");

        Assert.Empty(_tailing.FetchAfterAppend(View(), T0, append.Run));
    }

    [Fact]
    public void A_late_or_duplicated_answer_is_dropped()
    {
        Hold(Op(50, 5));
        var fetch = Request(_tailing.Heartbeat(View(), T0));
        var batch = Answer(fetch, [Op(60, 5)]);

        Assert.Single(_tailing.Batch(View(), batch, T0).OfType<AppendFetched>());
        Assert.Empty(_tailing.Batch(View(), batch, T0));
    }

    [Fact]
    public void A_diverged_member_probes_for_the_common_point_and_rolls_back_to_the_newest_shared_entry()
    {
        Hold(Op(10, 4), Op(20, 4), Op(30, 4), Op(40, 4));
        var fetch = Request(_tailing.Heartbeat(View(), T0));
        var diverged = _tailing.Batch(View(), Answer(fetch, afterNotFound: true), T0);
        Assert.Single(diverged.OfType<RollbackStarted>());

        // The source holds 10 and 20 (the shared history), not 30 or 40 (this member's own branch).
        var shared = new[] { Op(10, 4), Op(20, 4) };
        var effects = diverged;
        for (var probes = 0; effects.OfType<RollBackTo>().SingleOrDefault() is null; probes++)
        {
            Assert.True(probes < 4, "the search ends within log2 of the candidates");
            var probe = Request(effects);
            var holds = shared.Contains(probe.After);
            effects = _tailing.Batch(View(MemberState.Rollback), Answer(probe, holds ? [Op(90, 5)] : [], afterNotFound: !holds), T0);
        }
        Assert.Equal(Op(20, 4), effects.OfType<RollBackTo>().Single().CommonPoint.OpTime);
        Assert.Single(_tailing.Rejoin("rolled back").OfType<Rejoined>());
    }

    [Fact]
    public void A_rollback_whose_source_stops_answering_goes_recovering_and_keeps_retrying_after_growing_pauses()
    {
        Hold(Op(10, 4), Op(20, 4));
        var fetch = Request(_tailing.Heartbeat(View(), T0));
        _tailing.Batch(View(), Answer(fetch, afterNotFound: true), T0);

        var abandoned = _tailing.Tick(View(MemberState.Rollback), T0 + ProbeTimeout);
        Assert.Contains("rollback abandoned", abandoned.OfType<WentRecovering>().Single().Message);
        Assert.Equal(1, _tailing.RecoveryFailures);

        // Nobody qualifies as a source now: each retry fails, and each pause is longer than the last (fix 2 of issue 11).
        Hear(1, MemberState.Recovering, Op(100, 5));
        Hear(2, MemberState.Recovering, Op(100, 5));
        var now = T0 + ProbeTimeout;
        foreach (var pause in new[] { 1, 2, 4 })
        {
            Assert.Empty(_tailing.Tick(View(MemberState.Recovering), now + TimeSpan.FromSeconds(pause) - TimeSpan.FromMilliseconds(1)).OfType<Following>());
            now += TimeSpan.FromSeconds(pause);
            var retried = _tailing.Tick(View(MemberState.Recovering), now);
            Assert.Contains(retried.OfType<LogLine>(), l => l.Message.StartsWith("recovery attempt"));
        }
        Assert.Equal(4, _tailing.RecoveryFailures);

        // Once a source qualifies, the next retry follows it, preferring another than the one that failed.
        Hear(1, MemberState.Primary, Op(100, 5));
        Hear(2, MemberState.Secondary, Op(100, 5));
        var following = _tailing.Tick(View(MemberState.Recovering), now + TimeSpan.FromSeconds(8));
        Assert.Single(following.OfType<Following>());
    }

    [Fact]
    public void A_recovering_member_rejoins_once_its_source_holds_its_newest_entry()
    {
        Hold(Op(50, 5));
        var fetch = Request(_tailing.Follow(View(MemberState.Recovering), T0, 1, "retry"));

        var effects = _tailing.Batch(View(MemberState.Recovering), Answer(fetch, [Op(60, 5)]), T0);

        Assert.Single(effects.OfType<Rejoined>());
        Assert.Single(effects.OfType<AppendFetched>());
        Assert.Equal(0, _tailing.RecoveryFailures);
    }

    [Fact]
    public void An_empty_answer_from_a_source_that_is_behind_does_not_rejoin_a_recovering_member()
    {
        Hold(Op(50, 5));
        var fetch = Request(_tailing.Follow(View(MemberState.Recovering), T0, 1, "retry"));

        var effects = _tailing.Batch(View(MemberState.Recovering), Answer(fetch, newest: Op(40, 5)), T0);

        Assert.Empty(effects.OfType<Rejoined>());
    }

    [Fact]
    public void A_member_that_fell_off_its_sources_oplog_goes_recovering_and_is_told_to_resync()
    {
        Hold(Op(5, 1));
        var fetch = Request(_tailing.Heartbeat(View(), T0));

        var effects = _tailing.Batch(View(), Answer(fetch, afterNotFound: true, oldest: Op(10, 2)), T0);

        Assert.Contains("rs resync", effects.OfType<WentRecovering>().Single().Message);
    }

    [Fact]
    public void A_rollback_never_undoes_this_members_majority_committed_history()
    {
        Hold(Op(10, 4), Op(20, 4), Op(30, 4));
        var fetch = Request(_tailing.Heartbeat(View(), T0));
        var effects = _tailing.Batch(View(commitPoint: Op(30, 4)), Answer(fetch, afterNotFound: true), T0);

        while (effects.OfType<WentRecovering>().SingleOrDefault() is null)
        {
            Assert.Empty(effects.OfType<RollBackTo>());
            var probe = Request(effects);
            var holds = probe.After == Op(10, 4);
            effects = _tailing.Batch(View(MemberState.Rollback, Op(30, 4)), Answer(probe, holds ? [Op(90, 5)] : [], afterNotFound: !holds), T0);
        }
        Assert.Contains("refusing to roll back past the majority commit point", effects.OfType<WentRecovering>().Single().Message);
    }

    [Fact]
    public void An_initial_sync_whose_source_moved_past_the_begin_point_fails_the_attempt()
    {
        Hold(Op(50, 5));
        var fetch = Request(_tailing.Follow(View(MemberState.Startup2), T0, 1, "initial sync"));

        var effects = _tailing.Batch(View(MemberState.Startup2), Answer(fetch, afterNotFound: true), T0);

        Assert.Single(effects.OfType<InitialSyncSourceFailed>());
        Assert.Empty(effects.OfType<RollbackStarted>());
    }
}
