using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Fixture;

/// <summary>
/// A fixture started secure runs TLS and logins, and what it hands a test works: the connection string logs in as root
/// over TLS with MongoDB.Driver, the fixture's own client reaches members over mutual TLS, and a failover goes as on a
/// plain set, while a client without the login is refused.
/// </summary>
public sealed class SecureFixtureSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Secure = true };

    [Fact]
    public async Task The_connection_string_logs_in_over_TLS_and_the_set_fails_over_as_a_plain_one()
    {
        var url = new MongoUrl(ReplicaSet.ConnectionString);
        Assert.Equal((ReplicaSetFixture.RootUser, ReplicaSet.RootPassword, true), (url.Username, url.Password, url.UseTls));
        Assert.Contains($"tlsCAFile={ReplicaSet.CaFile}", ReplicaSet.ConnectionString);
        using var root = new MongoClient(ReplicaSet.MongoSettings());
        var items = root.GetDatabase("shop").GetCollection<BsonDocument>("items").WithWriteConcern(WriteConcern.WMajority);

        await items.InsertOneAsync(new BsonDocument("_id", 1));
        var status = await root.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("connectionStatus", 1));
        Assert.Equal(BsonDocument.Parse("{ user: 'root', db: 'admin' }"), status["authInfo"]["authenticatedUsers"][0]);

        var anonymousSettings = MongoClientSettings.FromConnectionString(ReplicaSet.ConnectionString);
        anonymousSettings.Credential = null;
        anonymousSettings.SslSettings = ReplicaSet.MongoSettings().SslSettings;
        using var anonymous = new MongoClient(anonymousSettings);
        var refused = await Assert.ThrowsAsync<MongoCommandException>(() =>
            anonymous.GetDatabase("shop").GetCollection<BsonDocument>("items").InsertOneAsync(new BsonDocument("_id", 2)));
        Assert.Equal((int)ErrorCode.Unauthorized, refused.Code);

        var old = await ReplicaSet.KillPrimaryAsync();
        await ReplicaSet.WaitForPrimaryAsync(TimeSpan.FromSeconds(30));
        await items.InsertOneAsync(new BsonDocument("_id", 3));
        await ReplicaSet.RestartAsync(old);

        Assert.Equal(2, await items.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
        await Eventually.UntilAsync($"{old} has both documents", TimeSpan.FromSeconds(30), async () =>
        {
            var count = (await ReplicaSet.SendAsync(old, "shop", "{ count: 'items', $readPreference: { mode: 'secondaryPreferred' } }")).EnsureOk();
            return count["n"].ToInt32() == 2 ? ((object?)true, "") : (null, count.ToString());
        });
    }
}
