using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>Primary-secondary-arbiter with the secondary down: the primary keeps its vote majority, but not a write majority.</summary>
public sealed class ArbiterWriteConcernSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 2, Arbiter = true, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task Without_its_secondary_a_PSA_primary_takes_w1_writes_and_majority_writes_time_out_but_stay()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var secondary = ReplicaSet.Members.Single(m => !m.IsArbiter && m != primary);
        await ReplicaSet.KillAsync(secondary);

        var w1 = (await ReplicaSet.InsertAsync(primary, new BsonDocument("_id", "w1"), "{ w: 1 }")).EnsureAcknowledged();
        var majority = (await ReplicaSet.InsertAsync(primary, new BsonDocument("_id", "majority"), "{ w: 'majority', wtimeout: 1000 }")).EnsureOk();

        Assert.Equal(1, w1["n"].ToInt32());
        Assert.True(majority.Contains("writeConcernError"), majority.ToString());
        Assert.Equal((int)ErrorCode.WriteConcernFailed, majority["writeConcernError"]["code"].ToInt32());
        Assert.Equal(["majority", "w1"], (await ReplicaSet.FindAsync(primary)).Select(d => d["_id"].AsString));
        Assert.Same(primary, await ReplicaSet.WaitForPrimaryAsync());
    }
}
