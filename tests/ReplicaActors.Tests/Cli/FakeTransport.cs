using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Cli;

/// <summary>
/// Records what rsctl sends and answers with a canned reply; hello gets <see cref="Hello"/> (by default every host
/// says it is the primary of a set of itself), and hosts listed as down throw like the real transport.
/// </summary>
public sealed class FakeTransport : ICommandTransport
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ErrorCode> _down = [];
    private readonly List<(string Host, CommandRequest Request, TimeSpan Timeout)> _sent = [];

    public IReadOnlyList<(string Host, CommandRequest Request, TimeSpan Timeout)> Sent
    {
        get
        {
            lock (_gate) return [.. _sent];
        }
    }

    public BsonDocument Reply { get; set; } = new() { { "ok", 1.0 } };

    public Func<string, BsonDocument> Hello { get; set; } = PrimaryOfItself;

    public bool Disposed { get; private set; }

    public static BsonDocument PrimaryOfItself(string host) => new()
    {
        { "ok", 1.0 }, { "isWritablePrimary", true }, { "setName", "rs0" }, { "hosts", new BsonArray { host } }, { "me", host },
    };

    public FakeTransport Down(string host, ErrorCode code = ErrorCode.HostUnreachable)
    {
        lock (_gate) _down[host] = code;
        return this;
    }

    public Task<CommandReply> SendAsync(string host, CommandRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _sent.Add((host, request, timeout));
            if (_down.TryGetValue(host, out var code)) throw new ReplicaException(code, $"{host} did not answer");
        }
        return Task.FromResult(new CommandReply(request.Name == "hello" ? Hello(host) : Reply));
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
