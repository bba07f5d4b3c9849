using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cluster.Tests.Processes;

/// <summary>What a user does first: start a member, initiate it, write, kill -9, restart, and find every acknowledged write.</summary>
[Collection("cluster")]
public sealed class KillAndRestartSpec : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), "ra-kill-" + Guid.NewGuid().ToString("N"));
    private readonly AkkaCommandTransport _transport = new();
    private MemberProcess _member = null!;

    public Task InitializeAsync()
    {
        _member = new MemberProcess("rs0", MemberProcess.FreePort(), _dbPath);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_acknowledged_write_survives_kill_minus_9()
    {
        _member.Start();
        await Poll.UntilAsync(async () => (await Send("admin", "{ hello: 1 }")).Ok, "the member answers", Deadline);
        (await Send("admin", "{ replSetInitiate: null }")).EnsureOk();
        await Poll.UntilAsync(async () => (await Send("admin", "{ hello: 1 }")).Body["isWritablePrimary"].AsBoolean, "the member is primary", Deadline);

        const int count = 300;
        for (var i = 0; i < count; i += 50)
        {
            var docs = string.Join(",", Enumerable.Range(i, 50).Select(n => $"{{ _id: {n}, n: {n}, tag: 'v1' }}"));
            Assert.Equal(50, (await Send("app", $"{{ insert: 'things', documents: [{docs}] }}")).EnsureOk()["n"].ToInt32());
        }
        (await Send("app", "{ update: 'things', updates: [{ q: { n: { $lt: 100 } }, u: { $set: { tag: 'v2' } }, multi: true }] }")).EnsureOk();
        (await Send("app", "{ delete: 'things', deletes: [{ q: { n: { $gte: 250 } }, limit: 0 }] }")).EnsureOk();
        (await Send("app", "{ createIndexes: 'things', indexes: [{ key: { n: 1 }, unique: true }] }")).EnsureOk();

        _member.Kill();
        _member.Start();
        await Poll.UntilAsync(async () => (await Send("admin", "{ hello: 1 }")).Body.GetValue("isWritablePrimary", false).AsBoolean, "the restarted member is primary", Deadline);

        var docsAfter = (await Send("app", "{ find: 'things', sort: { n: 1 } }")).EnsureOk()["cursor"]["firstBatch"].AsBsonArray;
        Assert.Equal(250, docsAfter.Count);
        Assert.All(docsAfter.Take(100), d => Assert.Equal("v2", d["tag"].AsString));
        Assert.All(docsAfter.Skip(100), d => Assert.Equal("v1", d["tag"].AsString));
        var indexes = (await Send("app", "{ listIndexes: 'things' }")).EnsureOk()["cursor"]["firstBatch"].AsBsonArray;
        Assert.Contains(indexes, i => i["name"] == "n_1" && i["unique"].AsBoolean);
        var duplicate = (await Send("app", "{ insert: 'things', documents: [{ _id: 9999, n: 5 }] }")).EnsureOk();
        Assert.Equal((int)ErrorCode.DuplicateKey, duplicate["writeErrors"][0]["code"].ToInt32());
    }

    private Task<CommandReply> Send(string db, string command) =>
        _transport.SendAsync(_member.Host, new CommandRequest(db, BsonDocument.Parse(command)), CommandTimeout);


    public async Task DisposeAsync()
    {
        _member.Dispose();
        await _transport.DisposeAsync();
        try { Directory.Delete(_dbPath, recursive: true); } catch (IOException) { }
    }
}
