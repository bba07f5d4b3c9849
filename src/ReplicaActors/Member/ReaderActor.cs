using Akka.Actor;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Commands;
using ReplicaActors.Storage;

namespace ReplicaActors.Member;

/// <summary>A read the member has admitted (state and read concern checked), to run at <paramref name="AsOf"/> (null: newest).</summary>
public sealed record AdmittedRead(CommandRequest Request, OpTime? AsOf, IActorRef ReplyTo);

/// <summary>A member that initial-syncs from this one asked for a batch of a collection; the answer goes to <paramref name="ReplyTo"/>.</summary>
public sealed record AdmittedCloneBatch(CloneBatchRequest Request, IActorRef ReplyTo);

/// <summary>
/// Runs read commands on the store's reader connections, beside the single writer, so a long scan
/// never delays writes or heartbeats. Stateless: a failure only loses the one read, so restart.
/// </summary>
public sealed class ReaderActor : ReceiveActor
{
    public ReaderActor(ReadCommandExecutor executor, StoreReader store)
    {
        Receive<AdmittedRead>(read =>
        {
            CommandReply reply;
            try
            {
                reply = CommandReply.Success(executor.Execute(read.Request, read.AsOf));
            }
            catch (ReplicaException e)
            {
                reply = CommandReply.Error(e);
            }
            read.ReplyTo.Tell(reply);
        });
        Receive<AdmittedCloneBatch>(clone =>
        {
            var request = clone.Request;
            CloneBatch reply;
            try
            {
                var page = store.ClonePage(Namespace.Parse(request.Ns), request.AfterKey, request.MaxDocuments, request.MaxBytes);
                reply = new CloneBatch(request.Ns, page.Documents, page.LastKey, page.Bytes, page.Done, "");
            }
            catch (ReplicaException e)
            {
                reply = new CloneBatch(request.Ns, [], request.AfterKey, 0, false, e.Message);
            }
            clone.ReplyTo.Tell(reply);
        });
    }

    public static Props Props(ReadCommandExecutor executor, StoreReader store) => Akka.Actor.Props.Create(() => new ReaderActor(executor, store));
}
