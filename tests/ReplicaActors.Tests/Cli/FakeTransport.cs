using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Cli;

/// <summary>Records what rsctl sends and answers with a canned reply; hosts listed as down throw like the real transport.</summary>
public sealed class FakeTransport : ICommandTransport
{
    private readonly Dictionary<string, ErrorCode> _down = [];

    public List<(string Host, CommandRequest Request, TimeSpan Timeout)> Sent { get; } = [];

    public BsonDocument Reply { get; set; } = new() { { "ok", 1.0 } };

    public bool Disposed { get; private set; }

    public FakeTransport Down(string host, ErrorCode code = ErrorCode.HostUnreachable)
    {
        _down[host] = code;
        return this;
    }

    public Task<CommandReply> SendAsync(string host, CommandRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Sent.Add((host, request, timeout));
        if (_down.TryGetValue(host, out var code)) throw new ReplicaException(code, $"{host} did not answer");
        return Task.FromResult(new CommandReply(Reply));
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
