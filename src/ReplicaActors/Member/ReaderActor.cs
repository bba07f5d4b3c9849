using Akka.Actor;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Commands;

namespace ReplicaActors.Member;

/// <summary>A read the member has admitted (state and read concern checked), to run at <paramref name="AsOf"/> (null: newest).</summary>
public sealed record AdmittedRead(CommandRequest Request, OpTime? AsOf, IActorRef ReplyTo);

/// <summary>
/// Runs read commands on the store's reader connections, beside the single writer, so a long scan
/// never delays writes or heartbeats. Stateless: a failure only loses the one read, so restart.
/// </summary>
public sealed class ReaderActor : ReceiveActor
{
    public ReaderActor(ReadCommandExecutor executor)
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
    }

    public static Props Props(ReadCommandExecutor executor) => Akka.Actor.Props.Create(() => new ReaderActor(executor));
}
