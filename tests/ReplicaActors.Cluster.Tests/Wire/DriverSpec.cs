using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.TestKit;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>A 3-member set shared by the MongoDB.Driver specs that leave it as they found it.</summary>
public sealed class DriverSet : SharedReplicaSet
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    /// <summary>An unmodified MongoDB.Driver client for the set, with the driver's defaults.</summary>
    public MongoClient Client() => new(ReplicaSet.ConnectionString);
}

public sealed class Item
{
    public ObjectId Id { get; set; }
    public string Sku { get; set; } = "";
    public int Qty { get; set; }
    public List<string> Tags { get; set; } = [];
}

/// <summary>MongoDB.Driver 3.14.0, unmodified, against a 3-member set through the members' wire listeners.</summary>
public sealed partial class DriverSpec(DriverSet set) : IClassFixture<DriverSet>
{
    private static readonly TimeSpan ReplicationTimeout = TimeSpan.FromSeconds(30);
    private readonly MongoClient _client = set.Client();

    private IMongoCollection<T> Collection<T>(string name) =>
        _client.GetDatabase("driver").GetCollection<T>(name).WithWriteConcern(WriteConcern.WMajority);

    [Fact]
    public async Task The_driver_discovers_the_set_and_its_primary()
    {
        var hello = await _client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1));
        var primary = await set.ReplicaSet.WaitForPrimaryAsync();

        Assert.Equal("rs0", hello["setName"].AsString);
        Assert.Equal(set.ReplicaSet.Members.Select(m => m.Host).Order(), hello["hosts"].AsBsonArray.Select(h => h.AsString).Order());
        Assert.Equal(primary.Host, hello["primary"].AsString);
        Assert.True(hello["isWritablePrimary"].AsBoolean);
        Assert.Equal(0x7fffffff, BitConverter.ToInt32(hello["electionId"].AsObjectId.ToByteArray().Take(4).Reverse().ToArray()));
        Assert.Equal(30, hello["logicalSessionTimeoutMinutes"].ToInt32());
    }

    [Fact]
    public async Task Typed_collections_insert_find_update_replace_and_delete()
    {
        var items = Collection<Item>("crud");
        await items.InsertOneAsync(new Item { Sku = "a", Qty = 1, Tags = ["x"] });
        await items.InsertManyAsync([new Item { Sku = "b", Qty = 5 }, new Item { Sku = "c", Qty = 10, Tags = ["x", "y"] }]);

        var updated = await items.UpdateOneAsync(i => i.Sku == "a", Builders<Item>.Update.Inc(i => i.Qty, 2).Push(i => i.Tags, "z"));
        var many = await items.UpdateManyAsync(i => i.Qty >= 5, Builders<Item>.Update.Set(i => i.Qty, 7));
        var b = await items.Find(i => i.Sku == "b").SingleAsync();
        var replaced = await items.ReplaceOneAsync(i => i.Id == b.Id, new Item { Id = b.Id, Sku = "b2", Qty = 8 });
        var upserted = await items.UpdateOneAsync(i => i.Sku == "d", Builders<Item>.Update.Set(i => i.Qty, 4), new UpdateOptions { IsUpsert = true });
        var deleted = await items.DeleteOneAsync(i => i.Sku == "c");

        Assert.Equal((1, 1), (updated.MatchedCount, updated.ModifiedCount));
        Assert.Equal((2, 2), (many.MatchedCount, many.ModifiedCount));
        Assert.Equal(1, replaced.ModifiedCount);
        Assert.NotNull(upserted.UpsertedId);
        Assert.Equal(1, deleted.DeletedCount);
        var all = await items.Find(FilterDefinition<Item>.Empty).SortBy(i => i.Sku).ToListAsync();
        Assert.Equal(["a", "b2", "d"], all.Select(i => i.Sku));
        Assert.Equal([3, 8, 4], all.Select(i => i.Qty));
        Assert.Equal(["x", "z"], all[0].Tags);
        Assert.Equal(2, (await items.DeleteManyAsync(i => i.Qty > 3)).DeletedCount);
    }

    [Fact]
    public async Task Linq_queries_run_as_aggregations()
    {
        var items = Collection<Item>("linq");
        await items.InsertManyAsync(Enumerable.Range(1, 30).Select(i => new Item { Sku = $"s{i:00}", Qty = i % 7 }));

        var top = items.AsQueryable().Where(i => i.Qty >= 3).OrderByDescending(i => i.Qty).ThenBy(i => i.Sku).Take(4).ToList();
        var count = items.AsQueryable().Count(i => i.Qty == 0);

        Assert.Equal(["s06", "s13", "s20", "s27"], top.Select(i => i.Sku));
        Assert.Equal(4, count);
    }

    [Fact]
    public async Task A_cursor_over_20000_documents_comes_in_batches()
    {
        var docs = Collection<BsonDocument>("cursor");
        // In commands of 1000: one 20,000-document command keeps 2 shared cores busy past the fast profile's election timeout.
        foreach (var chunk in Enumerable.Range(0, 20_000).Chunk(1000))
            await docs.InsertManyAsync(chunk.Select(i => new BsonDocument { { "_id", i }, { "pad", new string('x', 20) } }));

        using var cursor = await docs.Find(FilterDefinition<BsonDocument>.Empty, new FindOptions { BatchSize = 1000 }).SortBy(d => d["_id"]).ToCursorAsync();
        var batches = 0;
        var seen = new List<int>();
        while (await cursor.MoveNextAsync())
        {
            var batch = cursor.Current.ToList();
            if (batch.Count == 0) continue;
            Assert.True(batch.Count <= 1000);
            batches++;
            seen.AddRange(batch.Select(d => d["_id"].AsInt32));
        }

        Assert.Equal(20, batches);
        Assert.Equal(Enumerable.Range(0, 20_000), seen);
    }

    [Fact]
    public async Task Find_one_and_update_replace_and_delete()
    {
        var items = Collection<Item>("fam");
        await items.InsertManyAsync([new Item { Sku = "a", Qty = 1 }, new Item { Sku = "b", Qty = 2 }]);

        var before = await items.FindOneAndUpdateAsync(i => i.Sku == "a", Builders<Item>.Update.Inc(i => i.Qty, 10));
        var after = await items.FindOneAndUpdateAsync(i => i.Sku == "a", Builders<Item>.Update.Inc(i => i.Qty, 10),
            new FindOneAndUpdateOptions<Item> { ReturnDocument = ReturnDocument.After });
        var upserted = await items.FindOneAndReplaceAsync<Item>(i => i.Sku == "c", new Item { Sku = "c", Qty = 3 },
            new FindOneAndReplaceOptions<Item> { IsUpsert = true, ReturnDocument = ReturnDocument.After });
        var removed = await items.FindOneAndDeleteAsync(i => i.Sku == "b");
        var missing = await items.FindOneAndUpdateAsync(i => i.Sku == "zzz", Builders<Item>.Update.Inc(i => i.Qty, 1));

        Assert.Equal(1, before.Qty);
        Assert.Equal(21, after.Qty);
        Assert.Equal(("c", 3), (upserted.Sku, upserted.Qty));
        Assert.Equal(2, removed.Qty);
        Assert.Null(missing);
        Assert.Equal(["a", "c"], (await items.Find(FilterDefinition<Item>.Empty).SortBy(i => i.Sku).ToListAsync()).Select(i => i.Sku));
    }

    [Fact]
    public async Task CountDocuments_estimates_and_an_aggregate_group()
    {
        var items = Collection<Item>("agg");
        await items.InsertManyAsync(Enumerable.Range(0, 50).Select(i => new Item { Sku = $"k{i % 3}", Qty = i }));

        var counted = await items.CountDocumentsAsync(i => i.Qty >= 10);
        var limited = await items.CountDocumentsAsync(FilterDefinition<Item>.Empty, new CountOptions { Skip = 5, Limit = 10 });
        var estimated = await items.EstimatedDocumentCountAsync();
        var none = await items.CountDocumentsAsync(i => i.Qty > 1000);
        var totals = await items.Aggregate()
            .Group(i => i.Sku, g => new { Sku = g.Key, Total = g.Sum(i => i.Qty), Count = g.Count() })
            .SortBy(g => g.Sku)
            .ToListAsync();
        var distinct = await (await items.DistinctAsync(i => i.Sku, FilterDefinition<Item>.Empty)).ToListAsync();

        Assert.Equal(40, counted);
        Assert.Equal(10, limited);
        Assert.Equal(50, estimated);
        Assert.Equal(0, none);
        Assert.Equal(["k0", "k1", "k2"], totals.Select(t => t.Sku));
        Assert.Equal([408, 425, 392], totals.Select(t => t.Total));
        Assert.Equal([17, 17, 16], totals.Select(t => t.Count));
        Assert.Equal(["k0", "k1", "k2"], distinct.Order());
    }

    [Fact]
    public async Task Reads_with_read_preference_secondary_are_served_by_a_secondary()
    {
        var docs = Collection<BsonDocument>("secondary");
        await docs.InsertOneAsync(new BsonDocument("step", 1));
        var onSecondary = docs.WithReadPreference(ReadPreference.Secondary);

        // w:majority is 2 of 3, and the driver picks either secondary for each read: the one it picks may apply the
        // write a moment later, so the read itself is what waits.
        var found = await Eventually.UntilAsync("a secondary serves the write", ReplicationTimeout, async () =>
        {
            var doc = await onSecondary.Find(new BsonDocument("step", 1)).FirstOrDefaultAsync();
            return (doc, "not yet on the secondary the driver chose");
        });
        // ReadPreference.Secondary never selects the primary: the answer came from a secondary, which served it
        // because the command carried the read preference (without it a secondary refuses with 13435).
        Assert.Equal(1, found["step"].AsInt32);
    }

    [Fact]
    public async Task A_majority_read_sees_a_majority_write()
    {
        var docs = Collection<BsonDocument>("majority");
        await docs.InsertOneAsync(new BsonDocument { { "_id", "m" }, { "v", 1 } });

        var read = await docs.WithReadConcern(ReadConcern.Majority).Find(new BsonDocument("_id", "m")).SingleAsync();

        Assert.Equal(1, read["v"].AsInt32);
    }

    [Fact]
    public async Task A_write_to_a_secondary_without_a_read_preference_is_refused_as_not_primary()
    {
        var primary = await set.ReplicaSet.WaitForPrimaryAsync();
        var secondary = set.ReplicaSet.Members.First(m => m != primary);
        using var direct = new MongoClient($"mongodb://{secondary.Host}/?directConnection=true&heartbeatFrequencyMS=500");

        var e = await Assert.ThrowsAsync<MongoNotPrimaryException>(() =>
            direct.GetDatabase("driver").GetCollection<BsonDocument>("direct").InsertOneAsync(new BsonDocument("x", 1)));

        Assert.Equal(10107, e.Result["code"].ToInt32());
    }

    [Fact]
    public async Task Transactions_and_where_are_refused_with_a_clear_error()
    {
        using var session = await _client.StartSessionAsync();
        session.StartTransaction();
        var docs = Collection<BsonDocument>("tx");

        var tx = await Assert.ThrowsAsync<MongoCommandException>(() => docs.InsertOneAsync(session, new BsonDocument("x", 1)));
        var where = await Assert.ThrowsAsync<MongoCommandException>(() => docs.Find(new BsonDocument("$where", "this.x == 1")).ToListAsync());

        Assert.Equal(263, tx.Code);
        Assert.Contains("transactions are not supported", tx.ErrorMessage);
        Assert.Equal(2, where.Code);
        Assert.Contains("$where", where.ErrorMessage);
    }
}
