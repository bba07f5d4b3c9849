using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Storage.Commands;

/// <summary>Read commands over the store's reader side: they never block the writer.</summary>
public sealed class ReadCommandExecutor(DocumentStore store)
{
    /// <param name="asOf">Read the data as of this OpTime (majority read concern); null for the newest applied data.</param>
    public BsonDocument Execute(CommandRequest request, OpTime? asOf) => request.Name switch
    {
        CommandCatalog.Find => Find(request, asOf),
        CommandCatalog.Count => Count(request, asOf),
        CommandCatalog.ListIndexes => ListIndexes(request),
        CommandCatalog.ListCollections => ListCollections(request),
        CommandCatalog.ListDatabases => ListDatabases(),
        _ => throw new ReplicaException(ErrorCode.CommandNotFound, $"no such read command: '{request.Name}'"),
    };

    private BsonDocument Find(CommandRequest request, OpTime? asOf)
    {
        var ns = CommandArgs.CollectionNamespace(request);
        var command = request.Command;
        var filter = Filter.Compile(CommandArgs.Document(command, "filter"));
        var sort = command.Contains("sort") ? SortSpec.Compile(CommandArgs.Document(command, "sort")) : null;
        var projection = command.Contains("projection") ? Projection.Compile(CommandArgs.Document(command, "projection")) : null;
        var skip = CommandArgs.NonNegativeLong(command, "skip", 0);
        var limit = CommandArgs.NonNegativeLong(command, "limit", 0);

        IEnumerable<BsonDocument> documents = Select(ns, filter, asOf);
        if (sort is not null) documents = documents.OrderBy(d => d, sort);
        documents = documents.Skip((int)Math.Min(skip, int.MaxValue));
        if (limit > 0) documents = documents.Take((int)Math.Min(limit, int.MaxValue));
        if (projection is not null) documents = documents.Select(projection.Apply);
        return new BsonDocument("cursor", new BsonDocument
        {
            { "firstBatch", new BsonArray(documents) },
            { "id", 0L },
            { "ns", ns.Full },
        });
    }

    private BsonDocument Count(CommandRequest request, OpTime? asOf)
    {
        var ns = CommandArgs.CollectionNamespace(request);
        var filter = Filter.Compile(CommandArgs.Document(request.Command, "query"));
        var skip = CommandArgs.NonNegativeLong(request.Command, "skip", 0);
        var limit = CommandArgs.NonNegativeLong(request.Command, "limit", 0);
        var n = Math.Max(0, Select(ns, filter, asOf).LongCount() - skip);
        return new BsonDocument("n", limit > 0 ? Math.Min(n, limit) : n);
    }

    private BsonDocument ListIndexes(CommandRequest request)
    {
        var ns = CommandArgs.CollectionNamespace(request);
        if (!store.Reader.ListCollections(ns.Db).Any(c => c.Name == ns.Collection))
            throw new ReplicaException(ErrorCode.NamespaceNotFound, $"ns does not exist: {ns}");
        var indexes = new BsonArray(store.Reader.ListIndexes(ns).Select(i => i.ToBson()));
        return new BsonDocument("cursor", new BsonDocument { { "firstBatch", indexes }, { "id", 0L }, { "ns", ns.Full } });
    }

    private BsonDocument ListCollections(CommandRequest request)
    {
        Namespace.ValidateDb(request.Db);
        var collections = new BsonArray(store.Reader.ListCollections(request.Db).Select(c => c.Name).Order(StringComparer.Ordinal).Select(name => new BsonDocument
        {
            { "name", name },
            { "type", "collection" },
            { "options", new BsonDocument() },
            { "info", new BsonDocument("readOnly", false) },
        }));
        return new BsonDocument("cursor", new BsonDocument { { "firstBatch", collections }, { "id", 0L }, { "ns", $"{request.Db}.$cmd.listCollections" } });
    }

    private BsonDocument ListDatabases()
    {
        var databases = store.Reader.ListDatabases();
        return new BsonDocument
        {
            { "databases", new BsonArray(databases.Select(d => new BsonDocument { { "name", d.Name }, { "sizeOnDisk", d.SizeOnDisk }, { "empty", d.Empty } })) },
            { "totalSize", databases.Sum(d => d.SizeOnDisk) },
        };
    }

    private IEnumerable<BsonDocument> Select(Namespace ns, Filter filter, OpTime? asOf)
    {
        if (filter.IdEquality is { } id)
        {
            var document = store.Reader.FindById(ns, id, asOf);
            return document is not null && filter.Matches(document) ? [document] : [];
        }
        return store.Reader.Scan(ns, asOf).Where(filter.Matches);
    }
}
