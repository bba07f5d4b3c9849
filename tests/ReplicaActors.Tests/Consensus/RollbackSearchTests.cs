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
