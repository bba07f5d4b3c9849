using MongoDB.Bson;
using ReplicaActors.Member;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.MemberActor;

public class RecentWritesTests
{
    private static readonly ObjectId WriteId = ObjectId.Parse("65f000000000000000000001");

    private static OplogEntry Entry(uint i, OpType op, BsonValue? writeId) =>
        new(new OpTime(new Timestamp(100, i), 1), 0, op, "a.b", new BsonDocument("_id", (int)i), op == OpType.Update ? (int)i : null, writeId);

    [Fact]
    public void A_remembered_reply_is_returned_for_its_write_id()
    {
        var writes = new RecentWrites(10);
        writes.Remember(WriteId, new BsonDocument("n", 3), Entry(7, OpType.Insert, WriteId).OpTime);

        Assert.True(writes.TryGet(WriteId, out var outcome));
        Assert.Equal(3, outcome.Reply["n"].ToInt32());
        Assert.Equal(Entry(7, OpType.Insert, WriteId).OpTime, outcome.At);
    }

    [Fact]
    public void Replicated_entries_of_one_write_add_up_even_across_batches()
    {
        var writes = new RecentWrites(10);

        writes.Record([Entry(1, OpType.Insert, WriteId), Entry(2, OpType.Insert, WriteId), Entry(3, OpType.Insert, null)]);
        writes.Record([Entry(4, OpType.Insert, WriteId)]);

        Assert.True(writes.TryGet(WriteId, out var outcome));
        Assert.Equal(3, outcome.Reply["n"].ToInt32());
        Assert.True(outcome.Reply["retriedWrite"].AsBoolean);
        Assert.Equal(Entry(4, OpType.Insert, WriteId).OpTime, outcome.At);
    }

    [Fact]
    public void A_reply_an_entry_carries_is_the_reply_its_retry_gets()
    {
        var writes = new RecentWrites(10);
        var reply = new BsonDocument { { "lastErrorObject", new BsonDocument("n", 1) }, { "value", new BsonDocument("_id", 1) } };

        writes.Record([Entry(1, OpType.Delete, WriteId) with { Reply = reply }]);

        Assert.True(writes.TryGet(WriteId, out var outcome));
        Assert.Equal(reply, outcome.Reply);
        Assert.Equal(Entry(1, OpType.Delete, WriteId).OpTime, outcome.At);
    }

    [Fact]
    public void The_oldest_write_ids_are_forgotten_first()
    {
        var writes = new RecentWrites(2);
        var ids = Enumerable.Range(1, 3).Select(i => (BsonValue)i).ToList();
        foreach (var id in ids) writes.Remember(id, new BsonDocument("n", 1), OpTime.Null);

        Assert.False(writes.TryGet(ids[0], out _));
        Assert.True(writes.TryGet(ids[1], out _));
        Assert.True(writes.TryGet(ids[2], out _));
    }

    [Fact]
    public void A_rollback_forgets_the_writes_it_undid_so_their_retries_run_again()
    {
        var writes = new RecentWrites(10);
        var kept = ObjectId.Parse("65f000000000000000000002");
        writes.Record([Entry(1, OpType.Insert, kept), Entry(2, OpType.Insert, WriteId)]);

        writes.ForgetAfter(Entry(1, OpType.Insert, null).OpTime);

        Assert.True(writes.TryGet(kept, out _));
        Assert.False(writes.TryGet(WriteId, out _));
    }
}
