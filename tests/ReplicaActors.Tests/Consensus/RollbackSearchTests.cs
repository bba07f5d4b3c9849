using ReplicaActors.Consensus;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Consensus;

public class RollbackSearchTests
{
    /// <summary>Runs the search against a source that holds the first <paramref name="shared"/> of <paramref name="candidates"/>.</summary>
    private static (int Best, int Probes) Search(int candidates, int shared)
    {
        var search = RollbackSearch.Over(candidates);
        var probes = 0;
        while (!search.Done)
        {
            var probe = search.Probe;
            probes++;
            search = search.Record(probe, sourceHolds: probe < shared);
        }
        return (search.Best, probes);
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(1, 0, -1)]
    [InlineData(10, 10, 9)]
    [InlineData(10, 1, 0)]
    [InlineData(10, 0, -1)]
    [InlineData(337, 200, 199)]
    public void Finds_the_newest_candidate_the_source_holds(int candidates, int shared, int expected)
    {
        var (best, probes) = Search(candidates, shared);

        Assert.Equal(expected, best);
        Assert.True(probes <= (int)Math.Ceiling(Math.Log2(candidates + 1)), $"{probes} probes for {candidates} candidates");
    }

    [Fact]
    public void No_candidates_is_done_at_once_with_no_common_point()
    {
        Assert.True(RollbackSearch.Over(0).Done);
        Assert.Equal(-1, RollbackSearch.Over(0).Best);
    }

    private static OpTime Op(uint seconds, long term) => new(new Timestamp(seconds, 0), term);

    private static OplogEntry Entry(OpTime at) => new(at, 0, OpType.Noop, "", new MongoDB.Bson.BsonDocument("msg", "x"), null);

    [Fact]
    public void A_source_that_is_behind_the_probed_entry_does_not_hold_it()
    {
        // The source parked the probe (it is behind) and answered empty when the wait ran out: not "found".
        var probed = Op(20, 2);
        var behind = new OplogBatch(1, 2, Op(10, 2), [], AfterNotFound: false, SourceOldest: Op(1, 1), SourceNewest: Op(15, 2));

        Assert.False(behind.Holds(probed));
    }

    [Fact]
    public void A_source_holds_its_newest_entry_and_any_it_sent_entries_after()
    {
        var probed = Op(20, 2);

        Assert.True(new OplogBatch(1, 2, Op(10, 2), [], false, Op(1, 1), SourceNewest: probed).Holds(probed));
        Assert.True(new OplogBatch(1, 2, Op(10, 2), [Entry(Op(21, 2))], false, Op(1, 1), Op(21, 2)).Holds(probed));
        Assert.False(new OplogBatch(1, 3, Op(10, 2), [], AfterNotFound: true, Op(1, 1), Op(30, 3)).Holds(probed));
    }

    /// <summary>Runs a rollback against a source holding the first <paramref name="shared"/> of five candidates (terms 1, 1, 1, 2, 2).</summary>
    private static RollbackRun RunAgainst(int shared)
    {
        var candidates = new[] { Op(1, 1), Op(2, 1), Op(3, 1), Op(4, 2), Op(5, 2) }.Select(Entry).ToList();
        var run = RollbackRun.Start(sourceId: 7, candidates);
        while (run.NextProbe is { } probed) run = run.Record(sourceHolds: candidates.FindIndex(e => e.OpTime == probed) < shared);
        return run;
    }

    [Fact]
    public void A_rollback_goes_back_to_the_newest_shared_entry()
    {
        var verdict = RunAgainst(shared: 3).Verdict(commitPoint: Op(2, 1), commitPointOnOwnHistory: true);

        Assert.Equal(Op(3, 1), verdict.CommonPoint?.OpTime);
        Assert.Null(verdict.Refusal);
    }

    [Fact]
    public void A_rollback_never_undoes_the_members_own_majority_committed_entries()
    {
        var verdict = RunAgainst(shared: 3).Verdict(commitPoint: Op(4, 2), commitPointOnOwnHistory: true);

        Assert.Null(verdict.CommonPoint);
        Assert.Contains("refusing to roll back past the majority commit point", verdict.Refusal);
    }

    [Fact]
    public void A_commit_point_learned_from_another_branch_does_not_bound_the_rollback()
    {
        // The new primary's commit point, heard by heartbeat, is not on this member's own history: it undoes nothing of it.
        var verdict = RunAgainst(shared: 3).Verdict(commitPoint: Op(4, 3), commitPointOnOwnHistory: false);

        Assert.Equal(Op(3, 1), verdict.CommonPoint?.OpTime);
    }

    [Fact]
    public void A_source_sharing_no_candidate_leaves_nothing_to_roll_back_to()
    {
        var verdict = RunAgainst(shared: 0).Verdict(OpTime.Null, commitPointOnOwnHistory: false);

        Assert.Null(verdict.CommonPoint);
        Assert.Contains("a resync is needed", verdict.Refusal);
    }
}

public class RecoveryBackoffTests
{
    private static readonly RecoveryBackoff Backoff = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));

    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(3, 800)]
    [InlineData(6, 6400)]
    [InlineData(7, 10000)]
    [InlineData(1000, 10000)]
    public void The_pause_doubles_per_failure_up_to_the_maximum(int failures, int expectedMillis)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMillis), Backoff.Delay(failures));
    }
}
