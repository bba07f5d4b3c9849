using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>replSetSyncFrom (rs syncfrom): a secondary switches to the sync source it is told, and refuses one it cannot use.</summary>
public sealed class SyncFromSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task A_secondary_syncs_from_the_member_it_is_told_and_still_replicates()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var secondaries = ReplicaSet.Members.Where(m => m != primary).ToList();
        var (chained, source) = (secondaries[0], secondaries[1]);
        await SyncSourceOf(chained, primary.Host);

        var reply = (await ReplicaSet.SendAsync(chained, "admin", new BsonDocument("replSetSyncFrom", source.Host))).EnsureOk();

        Assert.Equal(source.Host, reply["syncFromRequested"].AsString);
        await SyncSourceOf(chained, source.Host);
        (await ReplicaSet.SendAsync(primary, "app", "{ insert: 'things', documents: [{ _id: 1 }], writeConcern: { w: 3, wtimeout: 10000 } }")).EnsureOk();
        var count = (await ReplicaSet.SendAsync(chained, "app", "{ count: 'things', $readPreference: { mode: 'secondary' } }")).EnsureOk();
        Assert.Equal(1, count["n"].ToInt32());
    }

    [Fact]
    public async Task Syncing_from_itself_or_a_stranger_is_refused_with_the_reason()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var secondary = ReplicaSet.Members.First(m => m != primary);

        var itself = await ReplicaSet.SendAsync(secondary, "admin", new BsonDocument("replSetSyncFrom", secondary.Host));
        var stranger = await ReplicaSet.SendAsync(secondary, "admin", new BsonDocument("replSetSyncFrom", "127.0.0.1:1"));
        var onPrimary = await ReplicaSet.SendAsync(primary, "admin", new BsonDocument("replSetSyncFrom", secondary.Host));

        Assert.Equal((int)ErrorCode.InvalidSyncSource, itself.Body["code"].ToInt32());
        Assert.Contains("cannot sync from itself", itself.Body["errmsg"].AsString);
        Assert.Equal((int)ErrorCode.NodeNotFound, stranger.Body["code"].ToInt32());
        Assert.Equal((int)ErrorCode.NotSecondary, onPrimary.Body["code"].ToInt32());
    }

    private Task SyncSourceOf(FixtureMember member, string host) =>
        Eventually.UntilAsync($"{member} syncs from {host}", TimeSpan.FromSeconds(20), async () =>
        {
            var status = (await ReplicaSet.SendAsync(member, "admin", "{ replSetGetStatus: 1 }")).EnsureOk();
            return status["syncSourceHost"].AsString == host ? ((object?)true, "") : (null, status["syncSourceHost"].AsString);
        });
}
