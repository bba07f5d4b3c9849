using MongoDB.Bson;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Fixture;

/// <summary>A set with an arbiter: the fixture puts it last, with arbiterOnly, and it never holds the primary.</summary>
public sealed class ArbiterFixtureSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task An_arbiter_is_initiated_last_and_never_becomes_primary()
    {
        await using var set = await ReplicaSetFixture.StartAsync(new() { Members = 2, Arbiter = true, Journal = FixtureJournal.InMemory, Output = output });
        var arbiter = set.Members[^1];

        var primary = await set.WaitForPrimaryAsync();

        Assert.True(arbiter.IsArbiter);
        Assert.False(primary.IsArbiter);
        var members = (await set.SendAsync(primary, "admin", "{ replSetGetConfig: 1 }")).EnsureOk()["config"]["members"].AsBsonArray;
        Assert.Equal(new BsonArray { false, false, true }, new BsonArray(members.Select(m => m.AsBsonDocument.GetValue("arbiterOnly", false))));
    }
}
