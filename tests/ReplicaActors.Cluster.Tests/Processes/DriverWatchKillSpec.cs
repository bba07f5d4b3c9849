using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;
using ReplicaActors.Cluster.Tests.Wire;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Processes;

/// <summary>
/// Three real member processes; MongoDB.Driver watches a collection while it inserts, and the primary the stream
/// runs on is killed with SIGKILL. The driver resumes on the new primary by itself and the watcher sees every
/// insert once, in order.
/// </summary>
[Collection("cluster")]
public sealed class DriverWatchKillSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly ProcessSet _set = new("watch-kill", 3);

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_watcher_sees_2000_inserts_exactly_once_in_order_across_kill_minus_9_of_the_primary()
    {
        const int total = 2000;
        await _set.StartAndInitiateAsync(Deadline);
        MemberProcess? primary = null;
        await Poll.UntilAsync(async () =>
        {
            foreach (var member in _set.Members)
                if ((await _set.Send(member.Host, "admin", new BsonDocument("hello", 1))).Body.GetValue("isWritablePrimary", false).ToBoolean())
                    primary = member;
            return primary is not null;
        }, "a primary is elected", Deadline);

        // Each $changeStream aggregate after the first is the driver resuming the stream.
        var opened = 0;
        var settings = MongoClientSettings.FromConnectionString($"mongodb://{string.Join(",", _set.Members.Select(m => m.Host))}/?replicaSet=rs0");
        settings.ClusterConfigurator = cluster => cluster.Subscribe<CommandStartedEvent>(e =>
        {
            if (e.CommandName == "aggregate" && e.Command["pipeline"][0].AsBsonDocument.Contains("$changeStream")) Interlocked.Increment(ref opened);
        });
        var docs = new MongoClient(settings).GetDatabase("watch").GetCollection<BsonDocument>("items").WithWriteConcern(WriteConcern.WMajority);
        using var stream = await docs.WatchAsync();
        var watching = Task.Run(() => DriverChangeStreamSpec.NextAsync(stream, total, within: Deadline));

        for (var i = 0; i < total; i++)
        {
            if (i == 600) primary!.Kill();
            await docs.InsertOneAsync(new BsonDocument("_id", i));
        }
        var events = await watching;

        output.WriteLine($"killed {primary!.Host}; the watcher saw {events.Count} events and opened the stream {opened} time(s)");
        Assert.True(opened >= 2, "the stream was never resumed: the kill did not reach the watcher");
        Assert.Equal(Enumerable.Range(0, total), events.Select(e => e.DocumentKey["_id"].AsInt32));
    }

    public async Task DisposeAsync() => await _set.DisposeAsync();
}
