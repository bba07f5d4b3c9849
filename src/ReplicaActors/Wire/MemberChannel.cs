using Akka.Actor;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>The wire layer's one way into the member: a command, asked of the member actor, answered with its reply document.</summary>
public sealed class MemberChannel(IActorRef member, TimeSpan commandTimeout, TimeSpan helloTimeout)
{
    /// <summary>The id a fetch from the wire layer carries: no config member has it.</summary>
    public const int NotAMember = -1;

    public Task<BsonDocument> AskAsync(string db, BsonDocument command, CancellationToken cancellationToken = default)
    {
        var request = new CommandRequest(db, command);
        return AskAsync(request, request, cancellationToken);
    }

    /// <summary>A command the wire layer asks for itself, not for a client: the member does not count it among its clients' commands.</summary>
    public Task<BsonDocument> AskForItselfAsync(string db, BsonDocument command, CancellationToken cancellationToken = default)
    {
        var request = new CommandRequest(db, command);
        return AskAsync(new InternalCommand(request), request, cancellationToken);
    }

    private async Task<BsonDocument> AskAsync(object message, CommandRequest request, CancellationToken cancellationToken)
    {
        var timeout = HelloDocument.IsHello(request.Name) ? helloTimeout : commandTimeout;
        try
        {
            var reply = await member.Ask<CommandReply>(message, timeout, cancellationToken).ConfigureAwait(false);
            return reply.Body;
        }
        catch (AskTimeoutException)
        {
            return WireErrors.Error(ErrorCode.NetworkTimeout, $"the member did not answer '{request.Name}' within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// The member's oplog entries after <paramref name="after"/>, asked for as a secondary tails its sync source, with the
    /// commit point and the bounds of the oplog. The member answers the asker, so the wire layer needs no member id of its
    /// own (<see cref="NotAMember"/>); term 0 never moves the member's term. A fetch with nothing new waits on the
    /// member for <c>replica-actors.replication.await-data</c>.
    /// </summary>
    public async Task<OplogBatch> FetchOplogAsync(OpTime after, CancellationToken cancellationToken)
    {
        try
        {
            return await member.Ask<OplogBatch>(new FetchOplog(NotAMember, after, 0), commandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            throw new ReplicaException(ErrorCode.NetworkTimeout, $"the member did not answer an oplog fetch within {commandTimeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>The reply's body, or its error thrown as a <see cref="ReplicaException"/> (for commands the wire layer composes).</summary>
    public async Task<BsonDocument> RunAsync(string db, BsonDocument command, CancellationToken cancellationToken = default) =>
        new CommandReply(await AskAsync(db, command, cancellationToken).ConfigureAwait(false)).EnsureOk();
}
