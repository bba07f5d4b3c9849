using System.Net;
using System.Net.Sockets;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Cluster.Tests.Fixture;
using ReplicaActors.TestKit;

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

    [Fact]
    public async Task A_secondary_counts_the_entries_it_applied_in_opcountersRepl_and_metrics_repl_and_the_primary_does_not()
    {
        const int Inserts = 23;
        var primary = await set.ReplicaSet.WaitForPrimaryAsync();
        var secondary = set.ReplicaSet.Members.First(m => m.Host != primary.Host);
        using var direct = new MongoClient($"mongodb://{secondary.Host}/?directConnection=true");
        // w:3, so the secondary has applied everything before "before" and the inserts before "after".
        var everyMember = _client.GetDatabase("driver").GetCollection<BsonDocument>("statusRepl").WithWriteConcern(new WriteConcern(3));
        await everyMember.InsertOneAsync(new BsonDocument("barrier", true));
        var secondaryBefore = await ServerStatusAsync(direct);
        var primaryBefore = await ServerStatusAsync(_client);

        await everyMember.InsertManyAsync(Enumerable.Range(0, Inserts).Select(i => new BsonDocument("n", i)));
        await everyMember.UpdateManyAsync(Builders<BsonDocument>.Filter.Exists("n"), Builders<BsonDocument>.Update.Inc("n", 1));
        var secondaryAfter = await ServerStatusAsync(direct);
        var primaryAfter = await ServerStatusAsync(_client);

        static long At(BsonDocument status, string path) => path.Split('.').Aggregate((BsonValue)status, (value, name) => value[name]).ToInt64();
        static long Grew(BsonDocument before, BsonDocument after, string path) => At(after, path) - At(before, path);
        Assert.Equal(Inserts, Grew(secondaryBefore, secondaryAfter, "opcountersRepl.insert"));
        Assert.Equal(Inserts, Grew(secondaryBefore, secondaryAfter, "opcountersRepl.update"));
        Assert.Equal(0, Grew(primaryBefore, primaryAfter, "opcountersRepl.insert"));
        Assert.True(Grew(secondaryBefore, secondaryAfter, "metrics.repl.apply.ops") >= 2 * Inserts, secondaryAfter["metrics"].ToString());
        Assert.True(Grew(secondaryBefore, secondaryAfter, "metrics.repl.apply.batches.num") >= 2, secondaryAfter["metrics"].ToString());
        Assert.True(Grew(secondaryBefore, secondaryAfter, "metrics.repl.network.ops") >= 2 * Inserts, secondaryAfter["metrics"].ToString());
        Assert.True(Grew(secondaryBefore, secondaryAfter, "metrics.repl.network.bytes") > 0, secondaryAfter["metrics"].ToString());
        Assert.True(Grew(primaryBefore, primaryAfter, "metrics.repl.network.oplogGetMoresProcessed.num") > 0, primaryAfter["metrics"].ToString());
        Assert.True(secondaryAfter["repl"]["secondary"].AsBoolean);
        Assert.Equal(primary.Host, secondaryAfter["repl"]["primary"].AsString);
        Assert.Equal(secondary.Host, secondaryAfter["host"].AsString);
        Assert.IsType<BsonObjectId>(primaryAfter["repl"]["electionId"]);
        Assert.True(primaryAfter["repl"]["lastWrite"].AsBsonDocument.Contains("majorityOpTime"), primaryAfter["repl"].ToString());
    }

    [Fact]
    public async Task The_meter_shows_the_connections_and_cursors_open_on_a_member()
    {
        using var meter = new MeterReadings();
        var primary = (await set.ReplicaSet.WaitForPrimaryAsync()).Host;
        var docs = Collection<BsonDocument>("meterCursors");
        await docs.InsertManyAsync(Enumerable.Range(0, 10).Select(i => new BsonDocument("n", i)));
        var queryCursors = meter.Now("replicaactors.wire.cursors", primary, "query");
        var changeStreams = meter.Now("replicaactors.wire.cursors", primary, "change_stream");

        var cursor = await docs.Find(FilterDefinition<BsonDocument>.Empty, new FindOptions { BatchSize = 2 }).ToCursorAsync();
        var stream = await docs.WatchAsync();
        Assert.Equal(queryCursors + 1, meter.Now("replicaactors.wire.cursors", primary, "query"));
        Assert.Equal(changeStreams + 1, meter.Now("replicaactors.wire.cursors", primary, "change_stream"));
        cursor.Dispose();
        stream.Dispose();
        await Eventually.UntilAsync("the cursors are closed", ReplicationTimeout,
            () => meter.Now("replicaactors.wire.cursors", primary, "query") == queryCursors && meter.Now("replicaactors.wire.cursors", primary, "change_stream") == changeStreams,
            () => $"{meter.Now("replicaactors.wire.cursors", primary, "query")} query cursors, {meter.Now("replicaactors.wire.cursors", primary, "change_stream")} change streams");

        // Plain sockets: a driver's own connections (monitors, pools) open and close on its schedule, not the test's.
        var before = meter.Now("replicaactors.wire.connections", primary);
        var port = int.Parse(primary.Split(':')[1]);
        var sockets = new List<TcpClient>();
        for (var i = 0; i < 3; i++)
        {
            var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, port);
            sockets.Add(socket);
        }
        await Eventually.UntilAsync("the listener counts the 3 new connections", ReplicationTimeout,
            () => meter.Now("replicaactors.wire.connections", primary) == before + 3, () => $"{meter.Now("replicaactors.wire.connections", primary)} connections, {before} before");
        foreach (var socket in sockets) socket.Dispose();
        await Eventually.UntilAsync("the listener forgets the 3 closed connections", ReplicationTimeout,
            () => meter.Now("replicaactors.wire.connections", primary) == before, () => $"{meter.Now("replicaactors.wire.connections", primary)} connections, {before} before");
    }

    private static Task<BsonDocument> ServerStatusAsync(MongoClient client) =>
        client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("serverStatus", 1));
}
