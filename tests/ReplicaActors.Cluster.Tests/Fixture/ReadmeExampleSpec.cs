using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Fixture;

// The README's "Test with it" example, kept compiling and passing here.
public sealed class ReadmeExampleSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task A_majority_write_survives_losing_the_primary()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        (await ReplicaSet.SendAsync(primary, "shop", "{ insert: 'orders', documents: [{ _id: 1 }], writeConcern: { w: 'majority' } }")).EnsureOk();

        await ReplicaSet.KillPrimaryAsync();
        var next = await ReplicaSet.WaitForPrimaryAsync(TimeSpan.FromSeconds(30));

        var count = (await ReplicaSet.SendAsync(next, "shop", "{ count: 'orders' }")).EnsureOk();
        Assert.Equal(1, count["n"].ToInt32());

        // The fixture's client finds the new primary by itself.
        var inserted = await ReplicaSet.Client.RunCommandAsync(new CommandRequest("shop", BsonDocument.Parse("{ insert: 'orders', documents: [{ _id: 2 }] }")));
        Assert.Equal(1, inserted.EnsureOk()["n"].ToInt32());
    }
}
