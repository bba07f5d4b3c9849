using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Fixture;

public sealed class AddMemberFixtureSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task An_added_member_is_a_secondary_with_the_sets_data()
    {
        (await ReplicaSet.Client.RunCommandAsync(new CommandRequest("shop", BsonDocument.Parse(
            "{ insert: 'orders', documents: [{ _id: 1 }, { _id: 2 }], writeConcern: { w: 3 } }")))).EnsureOk();

        var added = await ReplicaSet.AddMemberAsync();

        Assert.Equal(4, ReplicaSet.Members.Count);
        await Eventually.UntilAsync($"{added} has both documents", TimeSpan.FromSeconds(30), async () =>
        {
            var count = (await ReplicaSet.SendAsync(added, "shop", "{ count: 'orders', $readPreference: { mode: 'secondaryPreferred' } }")).EnsureOk();
            return count["n"].ToInt32() == 2 ? ((object?)true, "") : (null, count.ToString());
        });
    }
}
