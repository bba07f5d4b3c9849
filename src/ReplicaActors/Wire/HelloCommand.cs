using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// <c>hello</c> / <c>isMaster</c>: the member's view of itself and its set, in the shape drivers classify. An
/// awaitable hello (<c>topologyVersion</c> + <c>maxAwaitTimeMS</c>, sent by drivers' monitors) is answered when the
/// topology changes or the wait runs out; the connection streams them when the client allows exhaust.
/// </summary>
public sealed class HelloCommand(MemberChannel member, TopologyWatch topology, WireSettings settings)
{
    public static bool IsAwaitable(BsonDocument command) => command.Contains("topologyVersion") || command.Contains("maxAwaitTimeMS");

    public async Task<BsonDocument> RunAsync(WireRequest request, CancellationToken cancellationToken)
    {
        if (IsAwaitable(request.Command))
        {
            if (request.Command.GetValue("topologyVersion", BsonNull.Value) is not BsonDocument clientVersion
                || request.Command.GetValue("maxAwaitTimeMS", BsonNull.Value) is not { IsNumeric: true } maxAwait || maxAwait.ToInt64() < 0)
                throw new ReplicaException(ErrorCode.FailedToParse, "an awaitable hello needs both topologyVersion (a document) and maxAwaitTimeMS (a non-negative number)");
            await topology.AwaitChangeAsync(clientVersion, TimeSpan.FromMilliseconds(maxAwait.ToInt64()), cancellationToken).ConfigureAwait(false);
        }
        var own = await member.AskAsync("admin", new BsonDocument("hello", 1), cancellationToken).ConfigureAwait(false);
        if (!WireErrors.IsOk(own)) return own;
        return HelloDocument.Build(own, request.Command,
            new HelloContext(settings.MaxMessageBytes, settings.LogicalSessionTimeoutMinutes, request.ConnectionId, DateTime.UtcNow, topology.Version));
    }
}
