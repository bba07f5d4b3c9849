using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>MongoDB.Driver specs that kill or cut off members: each gets its own 3-member set.</summary>
public sealed class DriverFailoverSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    /// <summary>The driver's defaults (10 s heartbeats): it learns of a new primary from streaming hello, not by polling.</summary>
    private MongoClient Client() => new(ReplicaSet.ConnectionString);

    [Fact]
    public async Task Retryable_inserts_survive_killing_the_primary_and_none_is_applied_twice()
    {
        // Counts what the kill did to the driver: inserts failed on the wire, connections that could not be made.
        var disturbed = 0;
        var settings = MongoClientSettings.FromConnectionString(ReplicaSet.ConnectionString);
        settings.ClusterConfigurator = cluster => cluster
            .Subscribe<CommandFailedEvent>(e => { if (e.CommandName == "insert") Interlocked.Increment(ref disturbed); })
            .Subscribe<ConnectionOpeningFailedEvent>(_ => Interlocked.Increment(ref disturbed))
            .Subscribe<ConnectionPoolCheckingOutConnectionFailedEvent>(_ => Interlocked.Increment(ref disturbed));
        var docs = new MongoClient(settings).GetDatabase("failover").GetCollection<BsonDocument>("items").WithWriteConcern(WriteConcern.WMajority);
        Task? kill = null;
        for (var i = 0; i < 1000; i++)
        {
            // The kill runs beside the inserts, so one of them is in flight on the primary when it dies.
            if (i == 300) kill = ReplicaSet.KillPrimaryAsync();
            await docs.InsertOneAsync(new BsonDocument { { "_id", i }, { "n", i } });
        }
        await kill!;

        Output.WriteLine($"the kill disturbed {disturbed} insert attempt(s) or connection(s); every insert succeeded, retried by the driver");
        Assert.True(disturbed > 0, "the kill never reached an insert: the test proved nothing about retries");
        var ids = (await docs.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync()).Select(d => d["_id"].AsInt32).Order().ToList();
        Assert.Equal(1000, await docs.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
        Assert.Equal(Enumerable.Range(0, 1000), ids);
    }

    [Fact]
    public async Task A_find_and_modify_retried_on_the_next_primary_returns_its_first_value_and_is_not_applied_twice()
    {
        var counters = Client().GetDatabase("driver").GetCollection<BsonDocument>("fam-failover").WithWriteConcern(WriteConcern.WMajority);
        await counters.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "n", 0 } });
        var command = DriverSpec.RetryableIncrement("fam-failover", Guid.NewGuid(), txnNumber: 1);

        // w: majority, so the next primary has the entry; the same command there is what a driver sends when the answer was lost.
        var first = await WireFrames.RunAsync((await ReplicaSet.WaitForPrimaryAsync()).Port, command);
        await counters.UpdateOneAsync(new BsonDocument("_id", 1), Builders<BsonDocument>.Update.Inc("n", 10));
        var old = await ReplicaSet.StepDownAsync();
        var next = await ReplicaSet.WaitForPrimaryAsync(where: m => m != old);
        var retry = await WireFrames.RunAsync(next.Port, command);

        Assert.Equal(new BsonDocument { { "_id", 1 }, { "n", 1 } }, first["value"]);
        Assert.Equal(1.0, retry["ok"].ToDouble());
        Assert.Equal((first["value"], first["lastErrorObject"]), (retry["value"], retry["lastErrorObject"]));
        Assert.Equal(11, (await counters.Find(new BsonDocument("_id", 1)).SingleAsync())["n"].AsInt32);
    }

    [Fact]
    public async Task A_w_majority_insert_or_find_and_modify_that_times_out_reports_a_write_concern_error_and_stays_written()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        foreach (var secondary in ReplicaSet.Members.Where(m => m != primary)) await ReplicaSet.KillAsync(secondary);
        var docs = Client().GetDatabase("wtimeout").GetCollection<BsonDocument>("items");
        var impatient = docs.WithWriteConcern(new WriteConcern("majority", wTimeout: TimeSpan.FromMilliseconds(300)));

        var e = await Assert.ThrowsAsync<MongoWriteException>(() => impatient.InsertOneAsync(new BsonDocument("_id", 1)));
        var fam = await Assert.ThrowsAsync<MongoWriteConcernException>(() =>
            impatient.FindOneAndUpdateAsync(new BsonDocument("_id", 1), Builders<BsonDocument>.Update.Set("n", 1)));

        Assert.Null(e.WriteError);
        Assert.Equal(64, e.WriteConcernError.Code);
        Assert.Equal("WriteConcernFailed", e.WriteConcernError.CodeName);
        Assert.Equal("majority", e.WriteConcernError.Details["writeConcern"]["w"].AsString);
        Assert.DoesNotContain("RetryableWriteError", e.ErrorLabels);
        // The write is not undone: the old primary has it, whether it has noticed the lost majority and stepped down by now or not.
        var direct = new MongoClient($"mongodb://{primary.Host}/?directConnection=true").GetDatabase("wtimeout").GetCollection<BsonDocument>("items")
            .WithReadPreference(ReadPreference.PrimaryPreferred);
        Assert.Equal(1, await direct.CountDocumentsAsync(new BsonDocument("_id", 1)));
        Assert.Equal(64, fam.WriteConcernResult.Response["writeConcernError"]["code"].ToInt32());
        Assert.Equal(new BsonDocument("_id", 1), fam.WriteConcernResult.Response["value"]);
        Assert.Equal(1, await direct.CountDocumentsAsync(new BsonDocument { { "_id", 1 }, { "n", 1 } }));
    }
}
