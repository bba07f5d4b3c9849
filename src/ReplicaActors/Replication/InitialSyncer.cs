using Akka.Actor;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;

namespace ReplicaActors.Replication;

/// <summary>The clone moved on (after each batch): the member shows it in status.</summary>
public sealed record InitialSyncProgressed(InitialSyncProgress Progress);

/// <summary>
/// Every collection is cloned with its indexes. <paramref name="Begin"/> is the source's newest applied entry
/// before the clone, <paramref name="Stop"/> its newest after: the member applies the oplog from one to the other.
/// </summary>
public sealed record InitialSyncCloned(int SourceId, OplogEntry Begin, OpTime Stop, InitialSyncProgress Progress);

/// <summary>This attempt cannot go on (the source refused, went silent, or a batch could not be stored).</summary>
public sealed record InitialSyncFailed(int SourceId, string Reason);

/// <summary>
/// One initial sync attempt's clone from one source: the begin point and the catalog, then each collection's
/// documents in batches, then its indexes, then the stop point. The next batch is asked for as soon as one
/// arrives, before it is stored, so the source reads while this member writes; yet one request at most is in
/// flight and one batch at most waits, so a slow disk slows the source instead of filling memory. It writes
/// the member's store directly: while it runs the member is in STARTUP2 and writes nothing itself. A silent
/// source fails the attempt.
/// </summary>
public sealed class InitialSyncer : ReceiveActor
{
    private readonly int _sourceId;
    private readonly ActorSelection _source;
    private readonly int _selfId;
    private readonly DocumentStore _store;
    private readonly InitialSyncSettings _settings;
    private readonly string _sourceName;
    private readonly Queue<CloneCollection> _pending = new();
    private OplogEntry? _begin;
    private InitialSyncProgress _progress = InitialSyncProgress.None;

    public InitialSyncer(int sourceId, string sourceName, ActorSelection source, int selfId, DocumentStore store, InitialSyncSettings settings)
    {
        _sourceId = sourceId;
        _sourceName = sourceName;
        _source = source;
        _selfId = selfId;
        _store = store;
        _settings = settings;
        Become(AwaitingBegin);
    }

    public static Props Props(int sourceId, string sourceName, ActorSelection source, int selfId, DocumentStore store, InitialSyncSettings settings) =>
        Akka.Actor.Props.Create(() => new InitialSyncer(sourceId, sourceName, source, selfId, store, settings))
            .WithDispatcher("akka.actor.storage-dispatcher");

    protected override void PreStart() => Ask(new CloneCatalogRequest(_selfId, ListCollections: true));

    private void AwaitingBegin()
    {
        Receive<CloneCatalog>(catalog =>
        {
            if (Refused(catalog) is { } problem)
            {
                Fail(problem);
                return;
            }
            _begin = catalog.Newest!;
            foreach (var collection in catalog.Collections.OrderBy(c => c.Ns, StringComparer.Ordinal)) _pending.Enqueue(collection);
            _progress = InitialSyncProgress.Of(catalog.Collections.Select(c => new CloneTotal(Namespace.Parse(c.Ns).Db, c.Documents, c.Bytes)).ToList());
            Report();
            Become(Cloning);
            NextCollection();
        });
        CommonHandlers();
    }

    private void Cloning()
    {
        Receive<CloneBatch>(batch =>
        {
            var collection = _pending.Peek();
            if (batch.Ns != collection.Ns) return;
            if (batch.Error.Length > 0)
            {
                Fail($"{_sourceName} could not send {batch.Ns}: {batch.Error}");
                return;
            }
            if (!batch.Done) Ask(new CloneBatchRequest(_selfId, collection.Ns, batch.LastKey, _settings.BatchDocuments, _settings.BatchBytes));
            var ns = Namespace.Parse(collection.Ns);
            _store.LoadCloned(ns, collection.CreatedAt, batch.Documents);
            _progress = _progress.Copied(batch.Documents.Count, batch.Bytes);
            if (!batch.Done)
            {
                Report();
                return;
            }
            _store.BuildClonedIndexes(ns, collection.Indexes.Select(IndexSpec.FromBson).ToList());
            _pending.Dequeue();
            var lastOfDatabase = !_pending.TryPeek(out var next) || Namespace.Parse(next.Ns).Db != ns.Db;
            _progress = _progress.CollectionCloned(lastOfDatabase);
            Report();
            NextCollection();
        });
        CommonHandlers();
    }

    private void AwaitingStop()
    {
        Receive<CloneCatalog>(catalog =>
        {
            if (Refused(catalog) is { } problem)
            {
                Fail(problem);
                return;
            }
            Context.SetReceiveTimeout(null);
            Context.Parent.Tell(new InitialSyncCloned(_sourceId, _begin!, catalog.Newest!.OpTime, _progress));
        });
        CommonHandlers();
    }

    private void CommonHandlers()
    {
        Receive<ReceiveTimeout>(_ => Fail($"{_sourceName} did not answer within {_settings.SourceTimeout.TotalMilliseconds:0} ms"));
        // A late answer to a request of an earlier phase.
        Receive<CloneCatalog>(_ => { });
        Receive<CloneBatch>(_ => { });
    }

    private void NextCollection()
    {
        if (_pending.TryPeek(out var collection))
        {
            Ask(new CloneBatchRequest(_selfId, collection.Ns, [], _settings.BatchDocuments, _settings.BatchBytes));
            return;
        }
        Become(AwaitingStop);
        Ask(new CloneCatalogRequest(_selfId, ListCollections: false));
    }

    private string? Refused(CloneCatalog catalog) =>
        catalog.Error.Length > 0 ? $"{_sourceName} cannot serve an initial sync: {catalog.Error}"
        : catalog.Newest is null ? $"{_sourceName} has no oplog entry to begin from"
        : null;

    private void Ask(object request)
    {
        _source.Tell(request, Self);
        Context.SetReceiveTimeout(_settings.SourceTimeout);
    }

    private void Report() => Context.Parent.Tell(new InitialSyncProgressed(_progress));

    private void Fail(string reason)
    {
        Context.SetReceiveTimeout(null);
        Context.Parent.Tell(new InitialSyncFailed(_sourceId, reason));
        Become(() => Receive<object>(_ => { }));
    }
}
