using MongoDB.Bson;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>A killed primary that restarts from its journal rejoins as a secondary and catches up.</summary>
public sealed class RejoinSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.Sqlite };

    [Fact]
    public async Task A_restarted_old_primary_comes_back_as_secondary_with_the_new_primarys_majority_write()
    {
        var first = await ReplicaSet.WaitForPrimaryAsync();
        // Every member holds all the old primary wrote (its election no-op included): rejoining needs no rollback.
        (await ReplicaSet.InsertAsync(first, new BsonDocument("_id", "before"), "{ w: 3, wtimeout: 5000 }")).EnsureAcknowledged();
        var old = await ReplicaSet.KillPrimaryAsync();
        Assert.Same(first, old);
        var successor = await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election);
        (await ReplicaSet.InsertAsync(successor, new BsonDocument("_id", "while-away"), "{ w: 'majority', wtimeout: 5000 }")).EnsureAcknowledged();

        await ReplicaSet.RestartAsync(old);

        await ReplicaSet.UntilMemberAsync($"{old} rejoins as SECONDARY", Timeouts.Election, old, SetProbe.IsSecondaryAsync);
        await SetProbe.UntilAsync($"{old} has the write made while it was down", Timeouts.Replication,
            () => ReplicaSet.LookForAsync(old, "while-away", readPreference: "secondaryPreferred"));
        Assert.Same(successor, await ReplicaSet.WaitForPrimaryAsync());
    }
}
