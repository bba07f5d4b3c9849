using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Client;

/// <summary>
/// A scripted replica set behind an <see cref="ICommandTransport"/>: members answer hello from their current role,
/// elections move the primary to a higher term, members go down on demand, and one-off answers can be queued per member.
/// Every other command is answered <c>{ok: 1, servedBy: host}</c>.
/// </summary>
public sealed class FakeReplicaSet : ICommandTransport
{
    private readonly Lock _gate = new();
    private readonly string _setName;
    private readonly string[] _members;
    private readonly HashSet<string> _down = [];
    private readonly Dictionary<string, Queue<Func<CommandReply>>> _scripted = [];
    private readonly List<(string Host, CommandRequest Request)> _commands = [];
    private readonly Dictionary<string, int> _hellos = [];
    private string? _primary;
    private long _term = 1;

    public FakeReplicaSet(string setName, params string[] members)
    {
        _setName = setName;
        _members = members;
        _primary = members[0];
    }

    public IReadOnlyList<(string Host, CommandRequest Request)> Commands
    {
        get
        {
            lock (_gate) return [.. _commands];
        }
    }

    public int HellosTo(string host)
    {
        lock (_gate) return _hellos.GetValueOrDefault(host);
    }

    /// <summary>The primary steps down (if any) and <paramref name="host"/> wins the next term; null leaves the set without a primary.</summary>
    public void Elect(string? host)
    {
        lock (_gate)
        {
            _primary = host;
            _term++;
        }
    }

    public void Down(string host)
    {
        lock (_gate) _down.Add(host);
    }

    /// <summary>The next command (not hello) sent to <paramref name="host"/> gets this answer; it may change the set first.</summary>
    public FakeReplicaSet Next(string host, Func<CommandReply> answer)
    {
        lock (_gate)
        {
            if (!_scripted.TryGetValue(host, out var queue)) _scripted[host] = queue = new Queue<Func<CommandReply>>();
            queue.Enqueue(answer);
        }
        return this;
    }

    public Task<CommandReply> SendAsync(string host, CommandRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Func<CommandReply>? scripted = null;
        lock (_gate)
        {
            if (request.Name == "hello") _hellos[host] = _hellos.GetValueOrDefault(host) + 1;
            else _commands.Add((host, request));
            if (_down.Contains(host)) throw new ReplicaException(ErrorCode.HostUnreachable, $"cannot connect to {host}: ConnectionRefused");
            if (request.Name == "hello") return Task.FromResult(CommandReply.Success(Hello(host)));
            if (_scripted.TryGetValue(host, out var queue) && queue.Count > 0) scripted = queue.Dequeue();
        }
        // Outside the lock: a scripted answer may elect or take members down.
        return Task.FromResult(scripted?.Invoke() ?? CommandReply.Success(new BsonDocument("servedBy", host)));
    }

    private BsonDocument Hello(string host)
    {
        var hello = new BsonDocument
        {
            { "isWritablePrimary", host == _primary },
            { "secondary", host != _primary },
            { "setName", _setName },
            { "setVersion", 1 },
            { "hosts", new BsonArray(_members) },
            { "me", host },
            { "lastWrite", new BsonDocument { { "opTime", new BsonDocument { { "ts", new BsonTimestamp(1000, 1) }, { "t", _term } } }, { "lastWriteDate", DateTime.UtcNow } } },
        };
        if (_primary is not null) hello["primary"] = _primary;
        if (host == _primary) hello["electionTerm"] = _term;
        return hello;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
