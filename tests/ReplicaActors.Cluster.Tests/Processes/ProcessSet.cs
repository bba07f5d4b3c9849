using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cluster.Tests.Processes;

/// <summary>A replica set of real member processes (fast profile) in a temporary folder, started and initiated as a user would.</summary>
public sealed class ProcessSet : IAsyncDisposable
{
    private readonly string _root;
    private readonly AkkaCommandTransport _transport = new();

    public ProcessSet(string name, int members)
    {
        _root = Path.Combine(Path.GetTempPath(), $"ra-{name}-" + Guid.NewGuid().ToString("N"));
        Members = Enumerable.Range(0, members)
            .Select(i => new MemberProcess("rs0", MemberProcess.FreePort(), Path.Combine(_root, $"m{i}"), "--profile", "fast"))
            .ToList();
    }

    public IReadOnlyList<MemberProcess> Members { get; }

    public AkkaCommandTransport Transport => _transport;

    /// <summary>Starts every member, waits for each to answer, and initiates the set with all of them.</summary>
    public async Task StartAndInitiateAsync(TimeSpan deadline)
    {
        foreach (var member in Members) member.Start();
        foreach (var member in Members) await Poll.UntilAsync(async () => (await Send(member.Host, "admin", new BsonDocument("hello", 1))).Ok, "members answer", deadline);
        var config = new BsonDocument
        {
            { "_id", "rs0" },
            { "members", new BsonArray(Members.Select((m, i) => new BsonDocument { { "_id", i }, { "host", m.Host } })) },
        };
        (await Send(Members[0].Host, "admin", new BsonDocument("replSetInitiate", config))).EnsureOk();
    }

    public Task<CommandReply> Send(string host, string db, BsonDocument command) =>
        _transport.SendAsync(host, new CommandRequest(db, command), TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        foreach (var member in Members) member.Dispose();
        await _transport.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
