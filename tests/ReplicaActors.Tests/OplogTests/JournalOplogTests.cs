using MongoDB.Bson;
using ReplicaActors.Member;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.OplogTests;

/// <summary>The member's account of the oplog its journal holds: runs, bytes, and the state a truncation snapshots.</summary>
public class JournalOplogTests
{
    private static OplogEntry Entry(uint second) =>
        new(new OpTime(new Timestamp(second, 1), 1), second * 1000L, OpType.Insert, "app.things", new BsonDocument("_id", (int)second), null);

    private static MemberDurableState StateAt(uint second) => MemberDurableState.Empty with { Term = 1, LastOpTime = Entry(second).OpTime };

    private static readonly long EntryBytes = BsonSize.Of(Entry(1));

    [Fact]
    public void Each_batch_is_a_run_while_batches_are_large_against_the_cap()
    {
        var oplog = new JournalOplog(capBytes: 100);
        oplog.Add(3, [Entry(1), Entry(2)], StateAt(2));
        oplog.Add(5, [Entry(3)], StateAt(3));

        Assert.Equal([3L, 5L], oplog.Runs.Select(r => r.SeqNr));
        Assert.Equal(3 * EntryBytes, oplog.TotalBytes);
        Assert.Equal(Entry(1).OpTime, oplog.First);
        Assert.Equal(Entry(3).OpTime, oplog.Last);
        Assert.Equal((Entry(2).OpTime, StateAt(2)), oplog.At(3));
    }

    [Fact]
    public void Small_batches_share_a_run_until_it_holds_its_share_of_the_cap()
    {
        // A share of 1024 * 3 entries' bytes / 1024: three entries fill a run.
        var oplog = new JournalOplog(capBytes: 1024 * 3 * EntryBytes);
        for (uint i = 1; i <= 7; i++) oplog.Add(i, [Entry(i)], StateAt(i));

        Assert.Equal([3L, 6L, 7L], oplog.Runs.Select(r => r.SeqNr));
        Assert.Equal(Entry(4).OpTime, oplog.Runs[1].First);
        Assert.Equal(Entry(6).OpTime, oplog.Runs[1].Last);
        Assert.Equal(StateAt(6), oplog.At(6).State);
        Assert.Equal(7 * EntryBytes, oplog.TotalBytes);
    }

    [Fact]
    public void Deleting_up_to_a_run_forgets_it_and_its_bytes_and_remembers_how_far()
    {
        var oplog = new JournalOplog(capBytes: 1);
        for (uint i = 1; i <= 4; i++) oplog.Add(i * 2, [Entry(i)], StateAt(i));

        oplog.DeletedTo(5);

        Assert.Equal([6L, 8L], oplog.Runs.Select(r => r.SeqNr));
        Assert.Equal(2 * EntryBytes, oplog.TotalBytes);
        Assert.Equal(Entry(2).OpTime, oplog.DeletedThrough);
        Assert.Equal(Entry(3).OpTime, oplog.First);
        Assert.Throws<ArgumentOutOfRangeException>(() => oplog.At(4));
    }

    [Fact]
    public void A_rollback_ends_the_runs_it_voided_at_the_common_point_but_keeps_their_bytes()
    {
        var oplog = new JournalOplog(capBytes: 1);
        oplog.Add(1, [Entry(1), Entry(2)], StateAt(2));
        oplog.Add(2, [Entry(3), Entry(4)], StateAt(4));
        oplog.Add(3, [Entry(5)], StateAt(5));

        oplog.RolledBackTo(Entry(3).OpTime);

        Assert.Equal(Entry(2).OpTime, oplog.Runs[0].Last);
        Assert.Equal((Entry(3).OpTime, Entry(3).OpTime), (oplog.Runs[1].First, oplog.Runs[1].Last));
        Assert.Equal((Entry(3).OpTime, Entry(3).OpTime), (oplog.Runs[2].First, oplog.Runs[2].Last));
        Assert.Equal(5 * EntryBytes, oplog.TotalBytes);
    }

    [Fact]
    public void Empty_batches_add_nothing()
    {
        var oplog = new JournalOplog(capBytes: 1);
        oplog.Add(1, [], StateAt(1));

        Assert.Empty(oplog.Runs);
        Assert.Equal(OpTime.Null, oplog.First);
    }

    [Fact]
    public void A_fetch_replays_from_the_run_holding_its_optime_through_the_first_run_with_anything_newer()
    {
        var oplog = new JournalOplog(capBytes: 1);
        oplog.Add(2, [Entry(1), Entry(2)], StateAt(2));
        oplog.Add(5, [Entry(3), Entry(4)], StateAt(4));
        oplog.Add(7, [Entry(5)], StateAt(5));

        Assert.Equal(new JournalRange(1, 2, Entry(2).OpTime), oplog.RangeAfter(Entry(1).OpTime));
        Assert.Equal(new JournalRange(1, 5, Entry(4).OpTime), oplog.RangeAfter(Entry(2).OpTime));
        Assert.Equal(new JournalRange(3, 5, Entry(4).OpTime), oplog.RangeAfter(Entry(3).OpTime));
        Assert.Equal(new JournalRange(3, 7, Entry(5).OpTime), oplog.RangeAfter(Entry(4).OpTime));
        Assert.Equal(new JournalRange(1, 2, Entry(2).OpTime), oplog.RangeAfter(OpTime.Null));
    }

    [Fact]
    public void A_fetch_the_journal_cannot_serve_gets_no_range()
    {
        var oplog = new JournalOplog(capBytes: 1);
        Assert.Null(oplog.RangeAfter(OpTime.Null));
        oplog.Add(2, [Entry(2), Entry(3)], StateAt(3));
        oplog.Add(4, [Entry(5)], StateAt(5));

        Assert.Null(oplog.RangeAfter(Entry(1).OpTime));
        Assert.Null(oplog.RangeAfter(Entry(5).OpTime));
        Assert.Null(oplog.RangeAfter(Entry(6).OpTime));
        Assert.Null(oplog.RangeAfter(new OpTime(new Timestamp(4, 1), 1)));

        oplog.DeletedTo(2);
        Assert.Null(oplog.RangeAfter(OpTime.Null));
        Assert.Null(oplog.RangeAfter(Entry(2).OpTime));
    }

    [Fact]
    public void After_a_rollback_a_range_reaches_past_the_voided_runs_to_the_new_history()
    {
        var oplog = new JournalOplog(capBytes: 1);
        oplog.Add(1, [Entry(1), Entry(2)], StateAt(2));
        oplog.Add(2, [Entry(3), Entry(4)], StateAt(4));
        oplog.RolledBackTo(Entry(2).OpTime);
        var newer = Entry(9) with { OpTime = new OpTime(new Timestamp(9, 1), 2) };
        oplog.Add(4, [newer], StateAt(9));

        Assert.Equal(new JournalRange(1, 4, newer.OpTime), oplog.RangeAfter(Entry(2).OpTime));
        Assert.Null(oplog.RangeAfter(Entry(3).OpTime));
    }
}
