using MongoDB.Bson;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>A killed primary in a five-member set: the survivors elect exactly one successor, in a newer term, that takes majority writes.</summary>
public sealed class FailoverSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 5, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task Killing_the_primary_of_five_elects_one_new_primary_in_a_higher_term_that_takes_majority_writes()
    {
        var first = await ReplicaSet.WaitForPrimaryAsync();
        var firstTerm = await ReplicaSet.TermAsync(first);

        await ReplicaSet.KillAsync(first);
        var second = await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election);

        Assert.NotSame(first, second);
        Assert.Equal([second], await ReplicaSet.PrimariesAsync());
        Assert.True(await ReplicaSet.TermAsync(second) > firstTerm);
        var reply = (await ReplicaSet.InsertAsync(second, new BsonDocument("_id", "after-failover"), "{ w: 'majority', wtimeout: 5000 }")).EnsureAcknowledged();
        Assert.Equal(1, reply["n"].ToInt32());
    }
}
