using MongoDB.Bson;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.OplogTests;

public class OplogWindowTests
{
    private static OplogEntry Entry(uint second, uint increment = 1, long term = 1) =>
        new(new OpTime(new Timestamp(second, increment), term), second * 1000L, OpType.Noop, "", new BsonDocument("i", (int)second), null);

    private static List<OplogEntry> Entries(int count) => Enumerable.Range(1, count).Select(i => Entry((uint)i)).ToList();

    [Fact]
    public void A_fetch_from_the_beginning_gets_everything_while_the_window_holds_it()
    {
        var window = new OplogWindow(maxBytes: 1000);
        window.Append(Entries(5), _ => 10);

        var after = window.After(OpTime.Null, 100);

        Assert.Equal([1u, 2u, 3u, 4u, 5u], after!.Select(e => e.OpTime.Ts.Seconds));
    }

    [Fact]
    public void A_fetch_gets_what_follows_its_entry_up_to_the_batch_size()
    {
        var window = new OplogWindow(maxBytes: 1000);
        window.Append(Entries(10), _ => 10);

        var after = window.After(Entry(3).OpTime, 4);

        Assert.Equal([4u, 5u, 6u, 7u], after!.Select(e => e.OpTime.Ts.Seconds));
        Assert.Empty(window.After(Entry(10).OpTime, 4)!);
    }

    [Fact]
    public void Old_entries_are_dropped_past_the_size_and_fetches_behind_them_are_refused()
    {
        var window = new OplogWindow(maxBytes: 50);
        window.Append(Entries(10), _ => 10);

        Assert.Equal(5, window.Count);
        Assert.Equal(Entry(6).OpTime, window.Oldest);
        Assert.False(window.HoldsBeginning);
        Assert.Null(window.After(OpTime.Null, 10));
        Assert.Null(window.After(Entry(2).OpTime, 10));
        Assert.Equal([7u, 8u, 9u, 10u], window.After(Entry(6).OpTime, 10)!.Select(e => e.OpTime.Ts.Seconds));
    }

    [Fact]
    public void An_entry_of_another_term_at_the_same_timestamp_is_not_found_so_divergence_is_seen()
    {
        var window = new OplogWindow(maxBytes: 1000);
        window.Append(Entries(3), _ => 10);

        Assert.Null(window.After(Entry(2, term: 7).OpTime, 10));
    }

    [Theory]
    [InlineData(6u, 1L, true)]   // newer, same term: it has not arrived here yet
    [InlineData(6u, 2L, true)]   // newer, newer term: a newer primary's entry this member has not got yet
    [InlineData(6u, 0L, false)]  // newer but of an older term than the newest held: it can never follow it
    [InlineData(5u, 1L, false)]  // the newest itself is held, not behind
    [InlineData(3u, 2L, true)]   // a newer term, though an older timestamp: this member is behind (and must roll back before it could hold it)
    [InlineData(3u, 0L, false)]  // an older term inside the window but not in it: diverged
    public void A_fetch_past_the_newest_entry_waits_only_when_that_entry_could_still_arrive(uint second, long term, bool behind)
    {
        var window = new OplogWindow(maxBytes: 1000);
        window.Append(Entries(5), _ => 10);

        Assert.Equal(behind, window.IsBehind(Entry(second, term: term).OpTime));
    }

    [Fact]
    public void An_empty_window_is_behind_nothing()
    {
        Assert.False(new OplogWindow(maxBytes: 1000).IsBehind(Entry(1).OpTime));
    }

    [Fact]
    public void Truncating_after_an_entry_forgets_what_follows_and_frees_its_size()
    {
        var window = new OplogWindow(maxBytes: 100);
        window.Append(Entries(10), _ => 10);

        window.TruncateAfter(Entry(4).OpTime);
        window.Append(Entries(4).Select(e => Entry(e.OpTime.Ts.Seconds + 100)).ToList(), _ => 10);

        Assert.Equal(8, window.Count);
        Assert.Equal(Entry(104).OpTime, window.Newest);
        Assert.True(window.HoldsBeginning);
    }

    [Fact]
    public void Forgetting_truncated_entries_makes_fetches_behind_them_too_old()
    {
        var window = new OplogWindow(maxBytes: 1000);
        window.Append(Entries(10), _ => 10);

        window.ForgetThrough(Entry(4).OpTime);

        Assert.False(window.HoldsBeginning);
        Assert.Equal(Entry(5).OpTime, window.Oldest);
        Assert.Equal(6, window.Count);
        Assert.Null(window.After(OpTime.Null, 10));
        Assert.Null(window.After(Entry(3).OpTime, 10));
        Assert.Equal([6u, 7u], window.After(Entry(5).OpTime, 2)!.Select(e => e.OpTime.Ts.Seconds));
    }

    [Fact]
    public void A_fetch_gets_what_follows_nothing_when_the_fetcher_is_ahead_and_null_off_the_window()
    {
        var window = new OplogWindow(long.MaxValue);
        window.Append(Entries(5), _ => 100);

        Assert.Equal([Entry(4).OpTime, Entry(5).OpTime], window.Fetch(Entry(3).OpTime, 10)!.Select(e => e.OpTime));
        Assert.Equal([Entry(4).OpTime], window.Fetch(Entry(3).OpTime, 1)!.Select(e => e.OpTime));
        Assert.Empty(window.Fetch(Entry(5).OpTime, 10)!);
        Assert.Empty(window.Fetch(Entry(9).OpTime, 10)!);
        Assert.Null(window.Fetch(Entry(3, increment: 2).OpTime, 10));
        // An entry of an older term than the newest held can never come after it: that fetcher diverged.
        Assert.Null(window.Fetch(Entry(9, term: 0).OpTime, 10));
    }

    [Fact]
    public void The_entries_view_follows_appends_drops_and_truncation()
    {
        var window = new OplogWindow(300);
        var view = window.Entries;
        window.Append(Entries(2), _ => 100);
        Assert.Equal([Entry(1).OpTime, Entry(2).OpTime], view.Select(e => e.OpTime));

        window.Append([Entry(3), Entry(4)], _ => 100);
        Assert.Equal([Entry(2).OpTime, Entry(3).OpTime, Entry(4).OpTime], view.Select(e => e.OpTime));
        Assert.Equal(Entry(2).OpTime, view[0].OpTime);

        window.TruncateAfter(Entry(3).OpTime);
        Assert.Equal(2, view.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => view[2]);
    }
}
