using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Processes;

/// <summary>
/// Three real member processes under a w:majority write load; the primary is killed with SIGKILL.
/// Afterwards every acknowledged write is on every member, the restarted old primary included.
/// </summary>
[Collection("cluster")]
public sealed class FailoverUnderLoadSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly ProcessSet _set = new("failover", 3);

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_majority_acknowledged_write_survives_kill_minus_9_of_the_primary()
    {
        await _set.StartAndInitiateAsync(Deadline);

        await using var client = new ReplicaSetClient(_set.Members.Select(m => m.Host), _set.Transport,
            new ReplicaSetClientOptions { HeartbeatFrequency = TimeSpan.FromMilliseconds(200), ServerSelectionTimeout = TimeSpan.FromSeconds(30) });
        var first = await client.WaitForTopologyAsync(t => t.Primary is not null).WaitAsync(Deadline);
        var oldPrimary = _set.Members.Single(m => m.Host == first.Primary!.Host);

        var acknowledged = new List<int>();
        var next = 0;
        async Task WriteUntil(int count)
        {
            while (acknowledged.Count < count)
            {
                var id = next++;
                try
                {
                    var reply = await client.RunCommandAsync(new CommandRequest("load", BsonDocument.Parse(
                        $"{{ insert: 'docs', documents: [{{ _id: {id}, v: 'x' }}], writeConcern: {{ w: 'majority', wtimeout: 5000 }} }}")));
                    if (reply.Ok && !reply.Body.Contains("writeErrors") && !reply.Body.Contains("writeConcernError")) acknowledged.Add(id);
                }
                catch (ReplicaException e)
                {
                    output.WriteLine($"write {id} failed: {e.Message}");
                }
            }
        }

        await WriteUntil(100).WaitAsync(Deadline);
        var writing = WriteUntil(250);
        oldPrimary.Kill();
        await writing.WaitAsync(Deadline);

        var now = await client.WaitForTopologyAsync(t => t.Primary is not null && t.Primary.Host != oldPrimary.Host).WaitAsync(Deadline);
        output.WriteLine($"new primary {now.Primary!.Host}; {acknowledged.Count} acknowledged, {next} attempted");
        oldPrimary.Start();

        var ids = new BsonArray(acknowledged);
        foreach (var member in _set.Members)
            await Poll.UntilAsync(async () =>
            {
                var count = await Send(member.Host, "load", new BsonDocument
                {
                    { "count", "docs" }, { "query", new BsonDocument("_id", new BsonDocument("$in", ids)) },
                    { "$readPreference", new BsonDocument("mode", "secondaryPreferred") },
                });
                return count.Ok && count.Body["n"].ToInt32() == acknowledged.Count;
            }, $"{member.Host} has all {acknowledged.Count} acknowledged writes", Deadline);
        var hello = (await Send(oldPrimary.Host, "admin", new BsonDocument("hello", 1))).EnsureOk();
        Assert.True(hello["secondary"].AsBoolean, $"the restarted old primary should be a secondary: {hello}");
    }

    private Task<CommandReply> Send(string host, string db, BsonDocument command) => _set.Send(host, db, command);

    public async Task DisposeAsync() => await _set.DisposeAsync();
}
