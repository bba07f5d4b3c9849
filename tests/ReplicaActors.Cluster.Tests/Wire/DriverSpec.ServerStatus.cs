using MongoDB.Bson;
using MongoDB.Driver;

namespace ReplicaActors.Cluster.Tests.Wire;

public sealed partial class DriverSpec
{
    [Fact]
    public async Task ServerStatus_counts_the_inserts_and_shows_the_connections_and_the_set()
    {
        var admin = _client.GetDatabase("admin");
        var before = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("serverStatus", 1));

        await Collection<BsonDocument>("status").InsertManyAsync(Enumerable.Range(0, 7).Select(i => new BsonDocument("n", i)));
        var after = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("serverStatus", 1));

        Assert.Equal(7, after["opcounters"]["insert"].ToInt64() - before["opcounters"]["insert"].ToInt64());
        Assert.True(after["opcounters"]["command"].ToInt64() > before["opcounters"]["command"].ToInt64(), "serverStatus itself is a command");
        Assert.True(after["connections"]["current"].ToInt32() >= 1, after["connections"].ToString());
        Assert.True(after["uptimeMillis"].ToInt64() >= before["uptimeMillis"].ToInt64());
        Assert.Equal(after["host"], after["repl"]["me"]);
        Assert.True(after["repl"]["isWritablePrimary"].AsBoolean);
        Assert.False(string.IsNullOrEmpty(after["repl"]["setName"].AsString));
    }
}
