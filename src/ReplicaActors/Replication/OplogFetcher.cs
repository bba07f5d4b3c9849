using Akka.Actor;
using ReplicaActors.Protocol;

namespace ReplicaActors.Replication;

/// <summary>The fetcher got the next batch from its source; the member persists and applies it, then says <see cref="FetchMore"/>.</summary>
public sealed record FetchedBatch(OplogBatch Batch);

/// <summary>The member has persisted everything up to <paramref name="After"/>: fetch what follows.</summary>
public sealed record FetchMore(OpTime After, long Term);

/// <summary>The source stopped answering; the fetcher stops and the member chooses again.</summary>
public sealed record SyncSourceLost(int SourceId, string Reason);

/// <summary>
/// Tails one sync source's oplog: one fetch in flight at a time, the next only after the member has
/// persisted the previous batch, so a slow disk slows the fetch instead of filling memory.
/// A source that stays silent past the timeout is given up.
/// </summary>
public sealed class OplogFetcher : ReceiveActor
{
    private readonly int _sourceId;
    private readonly ActorSelection _source;
    private readonly int _selfId;
    private readonly TimeSpan _timeout;

    public OplogFetcher(int sourceId, ActorSelection source, int selfId, OpTime after, long term, TimeSpan timeout)
    {
        _sourceId = sourceId;
        _source = source;
        _selfId = selfId;
        _timeout = timeout;

        Receive<OplogBatch>(batch =>
        {
            Context.SetReceiveTimeout(null);
            Context.Parent.Tell(new FetchedBatch(batch));
        });
        Receive<FetchMore>(more => Fetch(more.After, more.Term));
        Receive<ReceiveTimeout>(_ =>
        {
            Context.Parent.Tell(new SyncSourceLost(_sourceId, $"no answer from sync source within {_timeout.TotalMilliseconds:0} ms"));
            Context.Stop(Self);
        });
        Fetch(after, term);
    }

    public static Props Props(int sourceId, ActorSelection source, int selfId, OpTime after, long term, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new OplogFetcher(sourceId, source, selfId, after, term, timeout));

    private void Fetch(OpTime after, long term)
    {
        _source.Tell(new FetchOplog(_selfId, after, term), Self);
        Context.SetReceiveTimeout(_timeout);
    }
}
