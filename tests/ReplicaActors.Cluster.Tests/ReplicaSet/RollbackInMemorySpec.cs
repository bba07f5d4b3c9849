using MongoDB.Bson;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>A former primary with writes the majority never had undoes them and follows the new primary.</summary>
public sealed class RollbackInMemorySpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task A_partitioned_primarys_unreplicated_write_is_rolled_back_after_healing()
    {
        var old = await ReplicaSet.WaitForPrimaryAsync();
        (await ReplicaSet.InsertAsync(old, new BsonDocument("_id", "shared"), "{ w: 3, wtimeout: 5000 }")).EnsureAcknowledged();

        await ReplicaSet.PartitionAsync(old);
        // Accepted before the old primary notices it lost the majority: only it ever has this write.
        (await ReplicaSet.InsertAsync(old, new BsonDocument("_id", "lost"), "{ w: 1 }")).EnsureAcknowledged();
        var successor = await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election, where: m => m != old);
        (await ReplicaSet.InsertAsync(successor, new BsonDocument("_id", "kept"), "{ w: 'majority', wtimeout: 5000 }")).EnsureAcknowledged();
        await ReplicaSet.HealAsync();

        await ReplicaSet.UntilMemberAsync($"{old} rolls back and becomes SECONDARY", Timeouts.Election, old, SetProbe.IsSecondaryAsync);
        await SetProbe.UntilAsync($"{old} has the new primary's write", Timeouts.Replication,
            () => ReplicaSet.LookForAsync(old, "kept", readPreference: "secondaryPreferred"));
        Assert.Equal(["kept", "shared"], (await ReplicaSet.FindAsync(old, readPreference: "secondaryPreferred")).Select(d => d["_id"].AsString));
    }
}
