using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>
/// A primary cut off from the majority takes w:1 writes the others never get. After healing it rolls
/// them back: the majority's writes survive, its own go to rollback files, and it becomes a SECONDARY.
/// </summary>
public sealed class RollbackSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.Sqlite };

    [Fact]
    public async Task A_partitioned_primary_rolls_back_its_w1_writes_and_keeps_the_majority_writes()
    {
        var oldPrimary = await ReplicaSet.WaitForPrimaryAsync();
        (await ReplicaSet.SendAsync(oldPrimary, "app", "{ insert: 'things', documents: [{ _id: 'before' }], writeConcern: { w: 'majority' } }")).EnsureOk();

        await ReplicaSet.PartitionAsync(oldPrimary);
        var lost = await ReplicaSet.SendAsync(oldPrimary, "app", "{ insert: 'things', documents: [{ _id: 'lost-1' }, { _id: 'lost-2' }], writeConcern: { w: 1 } }");
        Assert.True(lost.Ok, lost.Body.ToString());
        Assert.Equal(2, lost.Body["n"].ToInt32());

        var newPrimary = await ReplicaSet.WaitForPrimaryAsync(TimeSpan.FromSeconds(30), m => m != oldPrimary);
        (await ReplicaSet.SendAsync(newPrimary, "app", "{ insert: 'things', documents: [{ _id: 'after' }], writeConcern: { w: 'majority', wtimeout: 10000 } }")).EnsureOk();

        await ReplicaSet.HealAsync();
        await Eventually.UntilAsync($"{oldPrimary} is a secondary again with the majority's writes", TimeSpan.FromSeconds(60), async () =>
        {
            var hello = (await ReplicaSet.SendAsync(oldPrimary, "admin", "{ hello: 1 }")).EnsureOk();
            if (!hello["secondary"].AsBoolean) return ((object?)null, hello.ToString());
            // It may say SECONDARY just before it notices the divergence; reads in ROLLBACK are refused: not yet.
            var found = await ReplicaSet.SendAsync(oldPrimary, "app", "{ find: 'things', sort: { _id: 1 }, $readPreference: { mode: 'secondaryPreferred' } }");
            if (!found.Ok) return (null, found.Body.ToString());
            var ids = found.Body["cursor"]["firstBatch"].AsBsonArray.Select(d => d["_id"].AsString).ToList();
            return ids.SequenceEqual(["after", "before"]) ? (true, "") : (null, string.Join(",", ids));
        });

        var files = Directory.GetFiles(Path.Combine(oldPrimary.DbPath, "rollback"), "app.things.*.json");
        var undone = BsonSerializer.Deserialize<BsonArray>(File.ReadAllText(Assert.Single(files)));
        Assert.Equal(["lost-1", "lost-2"], undone.Select(d => d["_id"].AsString).Order());
    }
}
