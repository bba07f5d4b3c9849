using MongoDB.Bson;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>
/// Issue 11, bug 4: a linearizable read answers with the state as of its barrier's commit point, never with a newer
/// write that is not majority-committed. A primary-secondary-arbiter set keeps its primary while the secondary is cut
/// off, so the barrier waits; a w:1 write lands behind it; once healed, the secondary fetches one entry a batch
/// (replication.batch-entries = 1) and so acknowledges the barrier before it has the write.
/// </summary>
public sealed class LinearizableReadSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    private static readonly TimeSpan Barrier = TimeSpan.FromSeconds(60);

    protected override ReplicaSetFixtureOptions Options => new()
    {
        Members = 2,
        Arbiter = true,
        Journal = FixtureJournal.InMemory,
        CommandTimeout = Barrier + TimeSpan.FromSeconds(10),
        ExtraHocon = $"""
            replica-actors.replication.batch-entries = 1
            replica-actors.replication.linearizable-timeout = {Barrier.TotalSeconds:0}s
            """,
    };

    [Fact]
    public async Task A_linearizable_read_does_not_return_a_w1_write_made_after_its_barrier_that_is_not_majority_committed()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var secondary = ReplicaSet.Members.Single(m => !m.IsArbiter && m != primary);
        (await ReplicaSet.InsertAsync(primary, new BsonDocument { { "_id", 1 }, { "v", "a" } }, "{ w: 'majority', wtimeout: 15000 }")).EnsureAcknowledged();

        await ReplicaSet.PartitionAsync(secondary);
        var beforeRead = await DurableAsync(primary);
        var read = ReplicaSet.SendAsync(primary, "app", "{ find: 'things', filter: { _id: 1 }, readConcern: { level: 'linearizable' } }");
        // The barrier is in the primary's oplog before the write is sent: the write's entry follows it.
        var barrier = await Eventually.UntilAsync($"{primary} journals the read's no-op barrier", Timeouts.Replication, async () =>
        {
            var durable = await DurableAsync(primary);
            return (durable > beforeRead ? (object?)durable : null, $"durable {durable}, before the read {beforeRead}");
        });
        var w1 = await ReplicaSet.SendAsync(primary, "app", "{ update: 'things', updates: [{ q: { _id: 1 }, u: { $set: { v: 'b' } } }], writeConcern: { w: 1 } }");
        Assert.Equal(1, w1.EnsureAcknowledged()["nModified"].ToInt32());
        if (read.IsCompleted) Assert.Fail($"the linearizable read answered before its barrier could be majority-committed: {(await read).Body}");
        Assert.True(await ReplicaSet.IsWritablePrimaryAsync(primary), await ReplicaSet.DescribeAsync());

        await ReplicaSet.HealAsync();
        var reply = await read;

        var found = Assert.Single(reply.EnsureOk()["cursor"]["firstBatch"].AsBsonArray).AsBsonDocument;
        Assert.True(found["v"] == "a",
            $"the linearizable read (barrier {barrier}) returned {found}: the w:1 write after its barrier, not majority-committed when the read was served");
        // The write was not lost: it is majority-committed once the secondary has it, and a new linearizable read sees it.
        await SetProbe.UntilAsync($"{secondary} has the w:1 write", Timeouts.Replication, async () =>
        {
            var documents = await ReplicaSet.FindAsync(secondary, readPreference: "secondaryPreferred");
            return (documents.Any(d => d["v"] == "b"), $"{secondary} has {documents.ToJson()}");
        });
        var again = (await ReplicaSet.SendAsync(primary, "app", "{ find: 'things', filter: { _id: 1 }, readConcern: { level: 'linearizable' } }")).EnsureOk();
        Assert.Equal("b", Assert.Single(again["cursor"]["firstBatch"].AsBsonArray)["v"].AsString);
    }

    private async Task<OpTime> DurableAsync(FixtureMember member) =>
        OpTimeBson.FromBson((await ReplicaSet.SendAsync(member, "admin", "{ replSetGetStatus: 1 }")).EnsureOk()["optimes"]["durableOpTime"].AsBsonDocument);
}
