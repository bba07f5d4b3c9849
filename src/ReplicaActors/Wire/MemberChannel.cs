using Akka.Actor;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>The wire layer's one way into the member: a command, asked of the member actor, answered with its reply document.</summary>
public sealed class MemberChannel(IActorRef member, TimeSpan commandTimeout, TimeSpan helloTimeout)
{
    public async Task<BsonDocument> AskAsync(string db, BsonDocument command, CancellationToken cancellationToken = default)
    {
        var request = new CommandRequest(db, command);
        var timeout = HelloDocument.IsHello(request.Name) ? helloTimeout : commandTimeout;
        try
        {
            var reply = await member.Ask<CommandReply>(request, timeout, cancellationToken).ConfigureAwait(false);
            return reply.Body;
        }
        catch (AskTimeoutException)
        {
            return WireErrors.Error(ErrorCode.NetworkTimeout, $"the member did not answer '{request.Name}' within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>The reply's body, or its error thrown as a <see cref="ReplicaException"/> (for commands the wire layer composes).</summary>
    public async Task<BsonDocument> RunAsync(string db, BsonDocument command, CancellationToken cancellationToken = default) =>
        new CommandReply(await AskAsync(db, command, cancellationToken).ConfigureAwait(false)).EnsureOk();
}
