using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>The commands mongosh's <c>rs.*</c> helpers send, over the wire to a member that has no config yet.</summary>
public sealed class ReplSetHelpersSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 1, Journal = FixtureJournal.InMemory, Initiate = false };

    [Fact]
    public async Task Rs_initiate_with_no_config_makes_a_set_of_the_member_itself()
    {
        var member = Assert.Single(ReplicaSet.Members);
        var admin = new MongoClient($"mongodb://{member.Host}/?directConnection=true").GetDatabase("admin");

        // What rs.initiate() sends when called without a config.
        var initiated = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetInitiate", new BsonDocument()));
        await ReplicaSet.WaitForPrimaryAsync();
        var config = (await admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetGetConfig", 1)))["config"];

        Assert.Equal(1.0, initiated["ok"].ToDouble());
        Assert.Equal("rs0", config["_id"].AsString);
        Assert.Equal(member.Host, config["members"][0]["host"].AsString);
    }
}
