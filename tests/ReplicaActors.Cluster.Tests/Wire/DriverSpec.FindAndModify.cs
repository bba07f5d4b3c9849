using MongoDB.Bson;
using MongoDB.Driver;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>findAndModify is one write on the primary: concurrent calls and retries through the wire.</summary>
public sealed partial class DriverSpec
{
    [Fact]
    public async Task Concurrent_find_one_and_update_calls_each_see_their_own_increment()
    {
        const int Calls = 200;
        var counters = Collection<BsonDocument>("fam-concurrent");
        await counters.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "n", 0 } });
        var increment = Builders<BsonDocument>.Update.Inc("n", 1);
        using var start = new SemaphoreSlim(0);

        // Half ask for the document before their $inc, half after: either way each call's own step is n before it ran.
        var calls = Enumerable.Range(0, Calls).Select(async i =>
        {
            await start.WaitAsync();
            var returnDocument = i % 2 == 0 ? ReturnDocument.Before : ReturnDocument.After;
            var value = await counters.FindOneAndUpdateAsync(new BsonDocument("_id", 1), increment,
                new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = returnDocument });
            return returnDocument == ReturnDocument.Before ? value["n"].AsInt32 : value["n"].AsInt32 - 1;
        }).ToList();
        start.Release(Calls);
        var steps = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, Calls), steps.Order());
        Assert.Equal(Calls, (await counters.Find(new BsonDocument("_id", 1)).SingleAsync())["n"].AsInt32);
    }

    [Fact]
    public async Task Find_one_and_update_sorts_projects_and_upserts_in_the_mongodb_reply_shape()
    {
        var docs = Collection<BsonDocument>("fam-shape");
        await docs.InsertManyAsync([new BsonDocument { { "_id", 1 }, { "q", 5 }, { "tag", "x" } }, new BsonDocument { { "_id", 2 }, { "q", 3 }, { "tag", "x" } }]);
        var db = _client.GetDatabase("driver");

        var lowest = await db.RunCommandAsync<BsonDocument>(BsonDocument.Parse(
            "{ findAndModify: 'fam-shape', query: { tag: 'x' }, sort: { q: 1 }, update: { $inc: { q: 10 } }, new: true, fields: { _id: 0, q: 1 } }"));
        var upserted = await db.RunCommandAsync<BsonDocument>(BsonDocument.Parse(
            "{ findAndModify: 'fam-shape', query: { _id: 3 }, update: { $set: { q: 1 } }, upsert: true }"));
        var removed = await db.RunCommandAsync<BsonDocument>(BsonDocument.Parse("{ findAndModify: 'fam-shape', query: { _id: 1 }, remove: true }"));
        var nothing = await db.RunCommandAsync<BsonDocument>(BsonDocument.Parse("{ findAndModify: 'fam-shape', query: { _id: 9 }, remove: true }"));
        var filters = await Assert.ThrowsAsync<MongoCommandException>(() => db.RunCommandAsync<BsonDocument>(BsonDocument.Parse(
            "{ findAndModify: 'fam-shape', query: { _id: 2 }, update: { $set: { q: 0 } }, arrayFilters: [{ 'x.a': 1 }] }")));

        Assert.Equal(new BsonDocument("q", 13), lowest["value"]);
        Assert.Equal(new BsonDocument { { "n", 1 }, { "updatedExisting", true } }, lowest["lastErrorObject"]);
        Assert.Equal(BsonNull.Value, upserted["value"]);
        Assert.Equal(new BsonDocument { { "n", 1 }, { "updatedExisting", false }, { "upserted", 3 } }, upserted["lastErrorObject"]);
        Assert.Equal(new BsonDocument { { "_id", 1 }, { "q", 5 }, { "tag", "x" } }, removed["value"]);
        Assert.Equal(new BsonDocument("n", 1), removed["lastErrorObject"]);
        Assert.Equal((BsonValue)BsonNull.Value, nothing["value"]);
        Assert.Equal(new BsonDocument("n", 0), nothing["lastErrorObject"]);
        Assert.Equal(9, filters.Code);
        Assert.Contains("'x'", filters.ErrorMessage);
        Assert.Equal(13, (await docs.Find(new BsonDocument("_id", 2)).SingleAsync())["q"].AsInt32);
    }

    [Fact]
    public async Task A_retried_find_and_modify_returns_its_first_answer_and_changes_nothing_twice()
    {
        var counters = Collection<BsonDocument>("fam-retry");
        await counters.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "n", 0 } });
        var primary = await set.ReplicaSet.WaitForPrimaryAsync();
        var command = RetryableIncrement("fam-retry", Guid.NewGuid(), txnNumber: 1);

        var first = await WireFrames.RunAsync(primary.Port, command);
        await counters.UpdateOneAsync(new BsonDocument("_id", 1), Builders<BsonDocument>.Update.Inc("n", 10));
        var retry = await WireFrames.RunAsync(primary.Port, command);

        Assert.Equal(1.0, first["ok"].ToDouble());
        Assert.Equal(new BsonDocument { { "_id", 1 }, { "n", 1 } }, first["value"]);
        Assert.Equal(first["value"], retry["value"]);
        Assert.Equal(first["lastErrorObject"], retry["lastErrorObject"]);
        Assert.Equal(11, (await counters.Find(new BsonDocument("_id", 1)).SingleAsync())["n"].AsInt32);
    }

    /// <summary>What a driver sends for a retryable <c>$inc</c> returning the new document: the retry carries the same session and number.</summary>
    internal static BsonDocument RetryableIncrement(string collection, Guid session, long txnNumber) => new()
    {
        { "findAndModify", collection },
        { "query", new BsonDocument("_id", 1) },
        { "update", new BsonDocument("$inc", new BsonDocument("n", 1)) },
        { "new", true },
        { "writeConcern", new BsonDocument("w", "majority") },
        { "lsid", new BsonDocument("id", new BsonBinaryData(session, GuidRepresentation.Standard)) },
        { "txnNumber", txnNumber },
        { "$db", "driver" },
    };
}
