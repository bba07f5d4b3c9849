using System.Diagnostics;
using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>Write concern and read concern across a three-member set.</summary>
public sealed class WriteConcernSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    /// <summary>Far below the fixture's command timeout: an unsatisfiable w must not wait at all.</summary>
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(2);

    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task W3_is_acknowledged_only_once_every_member_has_applied_the_write()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();

        (await ReplicaSet.InsertAsync(primary, new BsonDocument("_id", "w3"), "{ w: 3, wtimeout: 5000 }")).EnsureAcknowledged();

        foreach (var secondary in ReplicaSet.Members.Where(m => m != primary))
            Assert.Contains(new BsonString("w3"), (await ReplicaSet.FindAsync(secondary, readPreference: "secondary")).Select(d => d["_id"]));
    }

    [Fact]
    public async Task W5_in_a_three_member_set_fails_at_once()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();

        var clock = Stopwatch.StartNew();
        var reply = await ReplicaSet.InsertAsync(primary, new BsonDocument("_id", "w5"), "{ w: 5 }");
        clock.Stop();

        var error = reply.Ok ? reply.Body.GetValue("writeConcernError", new BsonDocument()).AsBsonDocument : reply.Body;
        Assert.Contains(error.GetValue("code", 0).ToInt32(), new[] { (int)ErrorCode.CannotSatisfyWriteConcern, (int)ErrorCode.UnknownReplWriteConcern });
        Assert.True(clock.Elapsed < AtOnce, $"w: 5 answered after {clock.Elapsed.TotalSeconds:0.0} s: {reply.Body}");
    }

    [Fact]
    public async Task A_majority_read_on_a_secondary_sees_a_majority_write()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();

        (await ReplicaSet.InsertAsync(primary, new BsonDocument("_id", "committed"), "{ w: 'majority', wtimeout: 5000 }")).EnsureAcknowledged();

        // The commit point reaches a secondary with the next fetch or heartbeat, so the read may need a moment.
        foreach (var secondary in ReplicaSet.Members.Where(m => m != primary))
            await SetProbe.UntilAsync($"{secondary} serves the write at read concern majority", Timeouts.Replication,
                () => ReplicaSet.LookForAsync(secondary, "committed", readPreference: "secondary", readConcern: "majority"));
    }
}
