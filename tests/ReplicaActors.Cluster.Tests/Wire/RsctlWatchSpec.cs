using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Cli;
using ReplicaActors.Cli.Output;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary><c>rsctl db watch</c> against a 3-member set: it prints each change as one JSON line until cancelled (Ctrl-C).</summary>
public sealed class RsctlWatchSpec(DriverSet set) : IClassFixture<DriverSet>
{
    private string Hosts => string.Join(",", set.ReplicaSet.Members.Select(m => m.Host));

    [Fact]
    public async Task Db_watch_prints_each_change_as_a_line_of_JSON_and_resumes_after_a_printed_token()
    {
        var client = set.Client();
        var docs = client.GetDatabase("rsctl").GetCollection<BsonDocument>("watched").WithWriteConcern(WriteConcern.WMajority);
        var ping = await client.GetDatabase("rsctl").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1));
        // Starting at a time before the writes, the watch sees them however long it takes to open.
        var before = ping["operationTime"].AsBsonTimestamp;

        await using (var watch = Watch("rsctl.watched", "--fullDocument", "updateLookup", "--startAtOperationTime", $"{before.Timestamp}:{before.Increment}"))
        {
            await docs.InsertOneAsync(BsonDocument.Parse("{ _id: 1, qty: 5 }"));
            await docs.UpdateOneAsync(new BsonDocument("_id", 1), BsonDocument.Parse("{ $inc: { qty: 1 } }"));
            await docs.InsertOneAsync(BsonDocument.Parse("{ _id: 2, qty: 1 }"));
            await docs.DeleteOneAsync(new BsonDocument("_id", 1));
            var events = await watch.LinesAsync(4);

            Assert.Equal(["insert:1", "update:1", "insert:2", "delete:1"], events.Select(e => $"{e["operationType"]}:{e["documentKey"]["_id"]}"));
            Assert.Equal(BsonDocument.Parse("{ _id: 1, qty: 6 }"), events[1]["fullDocument"]);
            Assert.All(events, e => Assert.Equal(BsonDocument.Parse("{ db: 'rsctl', coll: 'watched' }"), e["ns"]));
            Assert.Equal((ExitCodes.Ok, ""), await watch.StopAsync());

            // A printed _id, passed back as it was printed, resumes right after that event.
            await using var resumed = Watch("rsctl.watched", "--resumeAfter", ExtendedJson.Format(events[1]["_id"]));
            Assert.Equal(["insert:2", "delete:1"], (await resumed.LinesAsync(2)).Select(e => $"{e["operationType"]}:{e["documentKey"]["_id"]}"));
            Assert.Equal((ExitCodes.Ok, ""), await resumed.StopAsync());
        }
    }

    [Fact]
    public async Task Db_watch_on_a_database_sees_every_collection_and_a_server_error_is_printed_with_its_code()
    {
        var db = set.Client().GetDatabase("rsctl_db");
        var before = (await db.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1)))["operationTime"].AsBsonTimestamp;
        await using var watch = Watch("rsctl_db", "--startAtOperationTime", ExtendedJson.Format(before));
        await using var forged = Watch("rsctl_db.a", "--resumeAfter", "00");

        await db.GetCollection<BsonDocument>("a").WithWriteConcern(WriteConcern.WMajority).InsertOneAsync(new BsonDocument("_id", 1));
        await db.GetCollection<BsonDocument>("b").WithWriteConcern(WriteConcern.WMajority).InsertOneAsync(new BsonDocument("_id", 2));

        Assert.Equal(["a", "b"], (await watch.LinesAsync(2)).Select(e => e["ns"]["coll"].AsString));
        var (exitCode, error) = await forged.ExitAsync();
        Assert.Equal(ExitCodes.CommandFailed, exitCode);
        Assert.StartsWith("Error 260 (InvalidResumeToken): $changeStream resumeAfter:", error);
    }

    private RunningWatch Watch(params string[] args) => new([Hosts, "db", "watch", .. args]);
}
