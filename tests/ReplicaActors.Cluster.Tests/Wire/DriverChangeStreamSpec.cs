using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>MongoDB.Driver's <c>Watch()</c>, unmodified, against a 3-member set: change streams over the wire.</summary>
public sealed class DriverChangeStreamSpec(DriverSet set) : IClassFixture<DriverSet>
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);
    private readonly MongoClient _client = set.Client();

    private IMongoCollection<BsonDocument> Collection(string name) =>
        _client.GetDatabase("streams").GetCollection<BsonDocument>(name).WithWriteConcern(WriteConcern.WMajority);

    [Fact]
    public async Task Watch_sees_inserts_updates_replaces_and_deletes_in_order()
    {
        var docs = Collection("crud");
        // Written before the stream opens, so the stream never saw its previous version: its update is a replace.
        await docs.InsertOneAsync(new BsonDocument { { "_id", "before" }, { "n", 0 } });
        using var stream = await docs.WatchAsync();

        await docs.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "a", 1 }, { "b", 1 }, { "arr", new BsonArray { 1, 2, 3 } }, { "sub", new BsonDocument("x", 1) } });
        await docs.UpdateOneAsync(new BsonDocument("_id", 1), BsonDocument.Parse("{ $set: { a: 2, 'sub.y': 2 }, $unset: { b: '' } }"));
        await docs.UpdateOneAsync(new BsonDocument("_id", 1), BsonDocument.Parse("{ $set: { arr: [1, 5] } }"));
        await docs.ReplaceOneAsync(new BsonDocument("_id", "before"), new BsonDocument { { "_id", "before" }, { "n", 1 } });
        await docs.DeleteOneAsync(new BsonDocument("_id", 1));

        var events = await NextAsync(stream, 5);
        Assert.Equal(
            [ChangeStreamOperationType.Insert, ChangeStreamOperationType.Update, ChangeStreamOperationType.Update, ChangeStreamOperationType.Replace, ChangeStreamOperationType.Delete],
            events.Select(e => e.OperationType));
        Assert.All(events, e => Assert.Equal(new CollectionNamespace("streams", "crud"), e.CollectionNamespace));
        Assert.Equal(1, events[0].FullDocument["a"].AsInt32);
        Assert.Equal(new BsonDocument("_id", 1), events[0].DocumentKey);
        var update = events[1].UpdateDescription;
        Assert.Equal(BsonDocument.Parse("{ a: 2, 'sub.y': 2 }"), update.UpdatedFields);
        Assert.Equal(["b"], update.RemovedFields);
        Assert.Empty(update.TruncatedArrays);
        Assert.Null(events[1].FullDocument);
        // An array set shorter is described element by element, with its new length.
        Assert.Equal(BsonDocument.Parse("{ 'arr.1': 5 }"), events[2].UpdateDescription.UpdatedFields);
        Assert.Equal(new BsonArray { BsonDocument.Parse("{ field: 'arr', newSize: 2 }") }, events[2].UpdateDescription.TruncatedArrays);
        Assert.Equal(BsonDocument.Parse("{ _id: 'before', n: 1 }"), events[3].FullDocument);
        Assert.Equal(new BsonDocument("_id", 1), events[4].DocumentKey);
        // Cluster times increase and every event carries its wall time and its own resume token.
        Assert.True(events.Zip(events.Skip(1), (a, b) => a.ClusterTime.CompareTo(b.ClusterTime) < 0).All(later => later));
        Assert.All(events, e => Assert.NotNull(e.WallTime));
        Assert.Equal(5, events.Select(e => e.ResumeToken.ToString()).Distinct().Count());
    }

    [Fact]
    public async Task FullDocument_updateLookup_and_a_match_on_the_operation_type()
    {
        var docs = Collection("lookup");
        var pipeline = new EmptyPipelineDefinition<ChangeStreamDocument<BsonDocument>>()
            .Match(e => e.OperationType == ChangeStreamOperationType.Update);
        using var stream = await docs.WatchAsync(pipeline, new ChangeStreamOptions { FullDocument = ChangeStreamFullDocumentOption.UpdateLookup });

        await docs.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "n", 1 } });
        await docs.UpdateOneAsync(new BsonDocument("_id", 1), BsonDocument.Parse("{ $inc: { n: 1 } }"));
        await docs.DeleteOneAsync(new BsonDocument("_id", 1));
        await docs.InsertOneAsync(new BsonDocument { { "_id", 2 }, { "n", 1 } });
        await docs.UpdateOneAsync(new BsonDocument("_id", 2), BsonDocument.Parse("{ $set: { m: 5 } }"));

        var events = await NextAsync(stream, 2);
        Assert.All(events, e => Assert.Equal(ChangeStreamOperationType.Update, e.OperationType));
        Assert.Equal(BsonDocument.Parse("{ _id: 1, n: 2 }"), events[0].FullDocument);
        Assert.Equal(BsonDocument.Parse("{ _id: 2, n: 1, m: 5 }"), events[1].FullDocument);
    }

    [Fact]
    public async Task Database_and_cluster_streams_see_every_collection_and_a_drop_invalidates_a_collection_stream()
    {
        var db = _client.GetDatabase("streams_db");
        using var dbStream = await db.WatchAsync();
        using var clusterStream = await _client.WatchAsync();
        var a = db.GetCollection<BsonDocument>("a").WithWriteConcern(WriteConcern.WMajority);
        await a.InsertOneAsync(new BsonDocument("_id", 1));
        using var collectionStream = await a.WatchAsync();
        await db.GetCollection<BsonDocument>("b").WithWriteConcern(WriteConcern.WMajority).InsertOneAsync(new BsonDocument("_id", 2));
        await a.InsertOneAsync(new BsonDocument("_id", 3));
        await db.DropCollectionAsync("a");

        var dbEvents = await NextAsync(dbStream, 4);
        Assert.Equal(["a:insert", "b:insert", "a:insert", "a:drop"], dbEvents.Select(e => $"{e.CollectionNamespace.CollectionName}:{e.OperationType.ToString().ToLowerInvariant()}"));
        var clusterEvents = (await NextAsync(clusterStream, 50, e => e.CollectionNamespace?.DatabaseNamespace.DatabaseName == "streams_db" && e.OperationType == ChangeStreamOperationType.Drop))
            .Where(e => e.CollectionNamespace?.DatabaseNamespace.DatabaseName == "streams_db").ToList();
        Assert.Equal(dbEvents.Select(e => e.ResumeToken), clusterEvents.Select(e => e.ResumeToken));
        // A stream on the dropped collection sees its last insert, the drop, then an invalidate, and is over.
        var collectionEvents = await NextAsync(collectionStream, 3);
        Assert.Equal([ChangeStreamOperationType.Insert, ChangeStreamOperationType.Drop, ChangeStreamOperationType.Invalidate], collectionEvents.Select(e => e.OperationType));
        Assert.False(await collectionStream.MoveNextAsync());
    }

    [Fact]
    public async Task Resuming_with_the_last_token_sees_exactly_what_follows()
    {
        var docs = Collection("resume");
        BsonDocument token;
        using (var stream = await docs.WatchAsync())
        {
            await docs.InsertManyAsync(Enumerable.Range(0, 10).Select(i => new BsonDocument("_id", i)));
            var seen = await NextAsync(stream, 5);
            Assert.Equal(Enumerable.Range(0, 5), seen.Select(e => e.DocumentKey["_id"].AsInt32));
            token = seen[^1].ResumeToken;
        }
        await docs.InsertManyAsync(Enumerable.Range(10, 5).Select(i => new BsonDocument("_id", i)));

        using var resumed = await docs.WatchAsync(new ChangeStreamOptions { ResumeAfter = token });
        var rest = await NextAsync(resumed, 10);
        Assert.Equal(Enumerable.Range(5, 10), rest.Select(e => e.DocumentKey["_id"].AsInt32));
        // Nothing more: no event is sent twice.
        Assert.Empty(await NextAsync(resumed, 1, within: TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_token_from_the_primary_resumes_on_a_secondary()
    {
        var docs = Collection("secondary");
        BsonDocument token;
        using (var stream = await docs.WatchAsync())
        {
            await docs.InsertManyAsync(Enumerable.Range(0, 4).Select(i => new BsonDocument("_id", i)));
            token = (await NextAsync(stream, 2))[^1].ResumeToken;
        }
        var primary = await set.ReplicaSet.WaitForPrimaryAsync();
        var secondary = set.ReplicaSet.Members.First(m => m != primary);
        var direct = new MongoClient($"mongodb://{secondary.Host}/?directConnection=true&readPreference=secondaryPreferred")
            .GetDatabase("streams").GetCollection<BsonDocument>("secondary");

        using var resumed = await direct.WatchAsync(new ChangeStreamOptions { ResumeAfter = token });
        await docs.InsertOneAsync(new BsonDocument("_id", 4));

        Assert.Equal([2, 3, 4], (await NextAsync(resumed, 3)).Select(e => e.DocumentKey["_id"].AsInt32));
    }

    [Fact]
    public async Task StartAtOperationTime_includes_the_write_at_that_time()
    {
        var docs = Collection("startat");
        using var session = await _client.StartSessionAsync();
        await docs.InsertOneAsync(session, new BsonDocument("_id", 1));
        var at = session.OperationTime;
        await docs.InsertOneAsync(new BsonDocument("_id", 2));

        using var stream = await docs.WatchAsync(new ChangeStreamOptions { StartAtOperationTime = at });
        var events = await NextAsync(stream, 2);
        Assert.Equal([1, 2], events.Select(e => e.DocumentKey["_id"].AsInt32));
    }

    [Fact]
    public async Task Stages_after_changeStream_shape_each_event_in_order()
    {
        var docs = Collection("shaped");
        var shaping = new BsonDocumentStagePipelineDefinition<ChangeStreamDocument<BsonDocument>, ChangeStreamDocument<BsonDocument>>(
        [
            BsonDocument.Parse("{ $match: { operationType: { $in: ['insert', 'update'] } } }"),
            BsonDocument.Parse("{ $set: { 'fullDocument.source': '$ns.coll' } }"),
            BsonDocument.Parse("{ $addFields: { seen: true } }"),
            BsonDocument.Parse("{ $unset: 'fullDocument.secret' }"),
            BsonDocument.Parse("{ $project: { operationType: 1, fullDocument: 1, documentKey: 1, seen: 1 } }"),
        ]);
        var replaced = new BsonDocumentStagePipelineDefinition<ChangeStreamDocument<BsonDocument>, BsonDocument>(
            [BsonDocument.Parse("{ $replaceRoot: { newRoot: { _id: '$_id', key: '$documentKey._id', op: '$operationType' } } }")]);
        using var stream = await docs.WatchAsync(shaping, new ChangeStreamOptions { FullDocument = ChangeStreamFullDocumentOption.UpdateLookup });
        using var roots = await docs.WatchAsync(replaced);

        await docs.InsertOneAsync(BsonDocument.Parse("{ _id: 1, sku: 'a', qty: 5, secret: 's' }"));
        await docs.UpdateOneAsync(new BsonDocument("_id", 1), BsonDocument.Parse("{ $inc: { qty: 1 } }"));
        await docs.DeleteOneAsync(new BsonDocument("_id", 1));
        await docs.InsertOneAsync(BsonDocument.Parse("{ _id: 2, sku: 'b', qty: 1 }"));

        var events = (await NextAsync(stream, 3)).Select(e => e.BackingDocument).ToList();
        Assert.Equal(["_id", "operationType", "fullDocument", "documentKey", "seen"], events[0].Names);
        Assert.Equal(
            [
                BsonDocument.Parse("{ operationType: 'insert', fullDocument: { _id: 1, sku: 'a', qty: 5, source: 'shaped' }, documentKey: { _id: 1 }, seen: true }"),
                BsonDocument.Parse("{ operationType: 'update', fullDocument: { _id: 1, sku: 'a', qty: 6, source: 'shaped' }, documentKey: { _id: 1 }, seen: true }"),
                BsonDocument.Parse("{ operationType: 'insert', fullDocument: { _id: 2, sku: 'b', qty: 1, source: 'shaped' }, documentKey: { _id: 2 }, seen: true }"),
            ],
            events.Select(WithoutId));
        var rootEvents = new List<BsonDocument>();
        while (rootEvents.Count < 4 && await roots.MoveNextAsync()) rootEvents.AddRange(roots.Current);
        Assert.Equal(["insert:1", "update:1", "delete:1", "insert:2"], rootEvents.Select(e => $"{e["op"]}:{e["key"]}"));
        Assert.All(rootEvents, e => Assert.Equal(["_id", "key", "op"], e.Names));
    }

    [Fact]
    public async Task A_stage_that_changes_the_resume_token_ends_the_stream_with_ChangeStreamFatalError()
    {
        var docs = Collection("token-changed");
        var dropsId = new BsonDocumentStagePipelineDefinition<ChangeStreamDocument<BsonDocument>, ChangeStreamDocument<BsonDocument>>(
            [BsonDocument.Parse("{ $project: { _id: 0, operationType: 1 } }")]);
        using var stream = await docs.WatchAsync(dropsId);

        await docs.InsertOneAsync(new BsonDocument("_id", 1));
        var e = await Assert.ThrowsAsync<MongoCommandException>(() => NextAsync(stream, 1));

        Assert.Equal(280, e.Code);
        Assert.Contains("_id field, which contains the resume token, was modified by the pipeline", e.ErrorMessage);
    }

    private static BsonDocument WithoutId(BsonDocument changeEvent)
    {
        var copy = new BsonDocument(changeEvent);
        copy.Remove("_id");
        return copy;
    }

    [Fact]
    public async Task Unsupported_stages_options_and_tokens_are_refused_with_a_clear_error()
    {
        var docs = Collection("refused");
        var group = new BsonDocumentStagePipelineDefinition<ChangeStreamDocument<BsonDocument>, ChangeStreamDocument<BsonDocument>>(
            [BsonDocument.Parse("{ $group: { _id: '$operationType' } }")]);
        var stage = await Assert.ThrowsAsync<MongoCommandException>(() => docs.WatchAsync(group));
        var preImage = await Assert.ThrowsAsync<MongoCommandException>(() =>
            docs.WatchAsync(new ChangeStreamOptions { FullDocumentBeforeChange = ChangeStreamFullDocumentBeforeChangeOption.Required }));
        var forged = await Assert.ThrowsAsync<MongoCommandException>(() =>
            docs.WatchAsync(new ChangeStreamOptions { ResumeAfter = new BsonDocument("_data", "00") }));

        Assert.Equal(20, stage.Code);
        Assert.Contains("$group is not permitted in a $changeStream pipeline", stage.ErrorMessage);
        Assert.Contains("fullDocumentBeforeChange", preImage.ErrorMessage);
        Assert.Equal(260, forged.Code);
    }

    /// <summary>
    /// The next <paramref name="count"/> events (fewer if <paramref name="within"/> runs out first; without it, that
    /// is a failure), or up to the one <paramref name="until"/> picks.
    /// </summary>
    internal static async Task<List<ChangeStreamDocument<BsonDocument>>> NextAsync(
        IChangeStreamCursor<ChangeStreamDocument<BsonDocument>> stream, int count, Func<ChangeStreamDocument<BsonDocument>, bool>? until = null, TimeSpan? within = null)
    {
        var events = new List<ChangeStreamDocument<BsonDocument>>();
        var deadline = DateTime.UtcNow + (within ?? EventTimeout);
        while (events.Count < count && DateTime.UtcNow < deadline)
        {
            if (!await stream.MoveNextAsync()) break;
            foreach (var change in stream.Current)
            {
                events.Add(change);
                if (until?.Invoke(change) == true || events.Count == count) return events;
            }
        }
        if (within is null && until is null) Assert.True(events.Count >= count, $"saw {events.Count} of {count} events within {EventTimeout}");
        return events;
    }
}

/// <summary>A stream resumed from a token the oplog has truncated past: a one-member set with a tiny oplog cap.</summary>
public sealed class DriverChangeStreamHistoryLostSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new()
    {
        Members = 1,
        Journal = FixtureJournal.Sqlite,
        ExtraHocon = "replica-actors.oplog { size-bytes = 4096, truncate-interval = 200ms }",
    };

    [Fact]
    public async Task A_token_the_oplog_has_truncated_past_gets_ChangeStreamHistoryLost()
    {
        var docs = new MongoClient(ReplicaSet.ConnectionString).GetDatabase("lost").GetCollection<BsonDocument>("items").WithWriteConcern(WriteConcern.WMajority);
        BsonDocument token;
        using (var stream = await docs.WatchAsync())
        {
            await docs.InsertOneAsync(new BsonDocument("_id", 0));
            token = (await DriverChangeStreamSpec.NextAsync(stream, 1))[0].ResumeToken;
        }
        var member = await ReplicaSet.WaitForPrimaryAsync();
        var pad = new string('x', 200);
        var next = 1;
        await Eventually.UntilAsync("the oplog is truncated past the token's entry", TimeSpan.FromSeconds(30), async () =>
        {
            await docs.InsertManyAsync(Enumerable.Range(next, 20).Select(i => new BsonDocument { { "_id", i }, { "pad", pad } }));
            next += 20;
            var oplog = (await ReplicaSet.SendAsync(member, "admin", "{ replSetGetStatus: 1 }")).EnsureOk()["oplog"].AsBsonDocument;
            var through = OpTimeBson.FromBson(oplog["truncatedThrough"].AsBsonDocument);
            return (!through.IsNull && through.Ts.Packed >= OperationTime(token) ? oplog : null, oplog.ToString());
        });

        var lost = await Assert.ThrowsAsync<MongoCommandException>(() => docs.WatchAsync(new ChangeStreamOptions { ResumeAfter = token }));

        Assert.Equal(286, lost.Code);
        Assert.Equal("ChangeStreamHistoryLost", lost.CodeName);
    }

    /// <summary>The entry's timestamp, packed, read back from the token (it holds the OpTime after a version and a kind byte).</summary>
    private static long OperationTime(BsonDocument token) => Convert.ToInt64(token["_data"].AsString.Substring(4, 16), 16);
}

/// <summary>A watcher across a kill of the primary: the driver resumes on the new primary by itself.</summary>
public sealed class DriverChangeStreamFailoverSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task A_watcher_sees_every_insert_exactly_once_in_order_across_killing_the_primary()
    {
        const int total = 2000;
        // Each $changeStream aggregate after the first is the driver resuming the stream.
        var opened = 0;
        var settings = MongoClientSettings.FromConnectionString(ReplicaSet.ConnectionString);
        settings.ClusterConfigurator = cluster => cluster.Subscribe<CommandStartedEvent>(e =>
        {
            if (e.CommandName == "aggregate" && e.Command["pipeline"][0].AsBsonDocument.Contains("$changeStream")) Interlocked.Increment(ref opened);
        });
        var client = new MongoClient(settings);
        var docs = client.GetDatabase("failover").GetCollection<BsonDocument>("stream").WithWriteConcern(WriteConcern.WMajority);
        using var stream = await docs.WatchAsync();
        var watching = Task.Run(() => DriverChangeStreamSpec.NextAsync(stream, total, within: TimeSpan.FromSeconds(120)));

        Task? kill = null;
        for (var i = 0; i < total; i++)
        {
            // The kill runs beside the inserts, so the watcher's getMore is waiting on the primary when it dies.
            if (i == 600) kill = ReplicaSet.KillPrimaryAsync();
            await docs.InsertOneAsync(new BsonDocument("_id", i));
        }
        await kill!;
        var events = await watching;

        Output.WriteLine($"the watcher saw {events.Count} events and opened the stream {opened} time(s)");
        Assert.True(opened >= 2, "the stream was never resumed: the kill did not reach the watcher");
        Assert.Equal(Enumerable.Range(0, total), events.Select(e => e.DocumentKey["_id"].AsInt32));
        Assert.All(events, e => Assert.Equal(ChangeStreamOperationType.Insert, e.OperationType));
    }
}

/// <summary>
/// A watcher on a primary that is cut off and takes a w:1 write: the write is never majority-committed, so the watcher
/// never gets it, before the primary rolls it back on healing or after. Events come in oplog order, so once the watcher
/// has the new primary's write (which follows the rollback) it can never get the rolled-back one.
/// </summary>
public sealed class DriverChangeStreamRollbackSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task A_watcher_on_a_primary_that_rolls_back_never_sees_the_rolled_back_write()
    {
        var old = await ReplicaSet.WaitForPrimaryAsync();
        // Pinned to the old primary, as an app connected to it alone would be: the driver resumes only there.
        var watched = new MongoClient($"mongodb://{old.Host}/?directConnection=true").GetDatabase("rollback").GetCollection<BsonDocument>("things");
        using var stream = await watched.WatchAsync();
        (await ReplicaSet.SendAsync(old, "rollback", "{ insert: 'things', documents: [{ _id: 'before' }], writeConcern: { w: 3, wtimeout: 10000 } }")).EnsureOk();
        var watching = DriverChangeStreamSpec.NextAsync(stream, 10, until: e => e.DocumentKey["_id"] == "kept", within: TimeSpan.FromSeconds(120));

        await ReplicaSet.PartitionAsync(old);
        // Accepted before the old primary notices it lost the majority: only it ever has this write.
        var lost = await ReplicaSet.SendAsync(old, "rollback", "{ insert: 'things', documents: [{ _id: 'lost' }], writeConcern: { w: 1 } }");
        Assert.True(lost.Ok, lost.Body.ToString());
        var successor = await ReplicaSet.WaitForPrimaryAsync(TimeSpan.FromSeconds(30), m => m != old);
        (await ReplicaSet.SendAsync(successor, "rollback", "{ insert: 'things', documents: [{ _id: 'kept' }], writeConcern: { w: 'majority', wtimeout: 10000 } }")).EnsureOk();
        await ReplicaSet.HealAsync();
        var events = await watching;

        Assert.Equal(["before", "kept"], events.Select(e => e.DocumentKey["_id"].AsString));
        var held = await ReplicaSet.SendAsync(old, "rollback", "{ find: 'things', filter: { _id: 'lost' }, $readPreference: { mode: 'secondaryPreferred' } }");
        Assert.Empty(held.EnsureOk()["cursor"]["firstBatch"].AsBsonArray);
    }
}
