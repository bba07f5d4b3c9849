using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.OplogTests;

/// <summary>OpTimes order by term, then timestamp (MongoDB's and Raft's order): a later term is newer whatever its wall clock says.</summary>
public class OpTimeOrderTests
{
    private static OpTime Op(uint seconds, uint increment, long term) => new(new Timestamp(seconds, increment), term);

    [Fact]
    public void An_entry_of_a_later_term_is_newer_even_with_an_older_timestamp()
    {
        // A deposed primary kept writing in term 1 after the others elected in term 2 (signature 1 of the fault runs).
        var deposedNewest = Op(1796623287, 3, 1);
        var newPrimaryCommitPoint = Op(1796623285, 1, 2);

        Assert.True(newPrimaryCommitPoint > deposedNewest);
        Assert.True(deposedNewest < newPrimaryCommitPoint);
        Assert.Equal(newPrimaryCommitPoint, OpTime.Max(deposedNewest, newPrimaryCommitPoint));
        Assert.Equal(deposedNewest, OpTime.Min(deposedNewest, newPrimaryCommitPoint));
    }

    [Fact]
    public void Within_a_term_the_timestamp_orders()
    {
        Assert.True(Op(10, 2, 3) > Op(10, 1, 3));
        Assert.True(Op(11, 0, 3) > Op(10, 9, 3));
        Assert.Equal(0, Op(10, 1, 3).CompareTo(Op(10, 1, 3)));
    }

    [Fact]
    public void Null_is_older_than_every_real_entry_including_the_initiating_one_of_term_0()
    {
        Assert.True(OpTime.Null < Op(1, 0, 0));
        Assert.True(OpTime.Null.IsNull);
        Assert.False(Op(1, 0, 0).IsNull);
    }

    [Fact]
    public void Sorting_a_mixed_list_puts_terms_first()
    {
        var sorted = new[] { Op(30, 0, 1), Op(10, 0, 2), Op(20, 0, 1), Op(5, 0, 3) }.Order().ToList();

        Assert.Equal([Op(20, 0, 1), Op(30, 0, 1), Op(10, 0, 2), Op(5, 0, 3)], sorted);
    }
}
