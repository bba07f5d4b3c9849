using MongoDB.Bson;

namespace ReplicaActors.Wire;

/// <summary><c>hello</c> / <c>isMaster</c>: the member's view of itself and its set, in the shape drivers classify.</summary>
public sealed class HelloCommand(MemberChannel member, WireSettings settings)
{
    public async Task<BsonDocument> RunAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var own = await member.AskAsync("admin", new BsonDocument("hello", 1), cancellationToken).ConfigureAwait(false);
        if (!WireErrors.IsOk(own)) return own;
        return HelloDocument.Build(own, request.Command,
            new HelloContext(settings.MaxMessageBytes, settings.LogicalSessionTimeoutMinutes, request.ConnectionId, DateTime.UtcNow));
    }
}
