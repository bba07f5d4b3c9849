using MongoDB.Bson;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Replication;

namespace ReplicaActors.Tests.OplogTests;

/// <summary>A fetch served from the journal: the replayed events folded into the current history after the fetch's OpTime.</summary>
public class ReplayedOplogTests
{
    private static OplogEntry Entry(uint second, long term = 1) =>
        new(new OpTime(new Timestamp(second, 1), term), second * 1000L, OpType.Insert, "app.things", new BsonDocument("_id", (int)second), null);

    private static OpTime At(uint second, long term = 1) => Entry(second, term).OpTime;

    private static IReadOnlyList<OplogEntry>? Fold(OpTime after, OpTime through, int max, params IMemberEvent[] events)
    {
        var replayed = new ReplayedOplog(after, through);
        foreach (var e in events) replayed.Add(e);
        return replayed.After(max);
    }

    [Fact]
    public void Only_entries_after_the_requested_optime_come_back_at_most_max()
    {
        var entries = Fold(At(2), At(5), max: 2, new OplogAppended([Entry(1), Entry(2), Entry(3)]), new TermChanged(2, null), new OplogAppended([Entry(4), Entry(5)]));

        Assert.Equal([At(3), At(4)], entries!.Select(e => e.OpTime));
    }

    [Fact]
    public void Entries_past_the_range_end_of_the_current_history_are_left_out()
    {
        var entries = Fold(At(1), At(2), max: 10, new OplogAppended([Entry(1), Entry(2), Entry(3)]));

        Assert.Equal([At(2)], entries!.Select(e => e.OpTime));
    }

    [Fact]
    public void A_rollback_marker_voids_the_entries_before_it_newer_than_its_common_point()
    {
        var entries = Fold(At(1), At(7, 2), max: 10,
            new OplogAppended([Entry(1), Entry(2), Entry(3), Entry(4)]),
            new RollbackApplied(At(2), 2000),
            new OplogAppended([Entry(6, 2), Entry(7, 2)]));

        Assert.Equal([At(2), At(6, 2), At(7, 2)], entries!.Select(e => e.OpTime));
    }

    [Fact]
    public void A_requested_optime_a_rollback_voided_is_not_on_the_history()
    {
        Assert.Null(Fold(At(3), At(6, 2), max: 10, new OplogAppended([Entry(2), Entry(3), Entry(4)]), new RollbackApplied(At(2), 2000), new OplogAppended([Entry(6, 2)])));
        Assert.Null(Fold(At(3), At(6, 2), max: 10, new OplogAppended([Entry(2), Entry(4)])));
    }

    [Fact]
    public void A_marker_at_the_null_optime_voids_everything_before_it()
    {
        var entries = Fold(OpTime.Null, At(5, 2), max: 10,
            new OplogAppended([Entry(1), Entry(2)]), new RollbackApplied(OpTime.Null, 0), new OplogAppended([Entry(5, 2)]));

        Assert.Equal([At(5, 2)], entries!.Select(e => e.OpTime));
        Assert.Null(Fold(At(1), At(5, 2), max: 10, new OplogAppended([Entry(1), Entry(2)]), new RollbackApplied(OpTime.Null, 0)));
    }
}
