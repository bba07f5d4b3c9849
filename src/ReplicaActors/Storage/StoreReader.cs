using Microsoft.Data.Sqlite;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>
/// Reads committed data, from any thread: each call opens its own pooled connection, and WAL lets it read a
/// consistent snapshot beside the writer. <c>asOf</c> reads (majority read concern) see each document as it
/// was at that OpTime, from the undo log.
/// </summary>
public sealed class StoreReader
{
    private readonly string connectionString;

    internal StoreReader(string connectionString) => this.connectionString = connectionString;

    public OpTime AppliedOpTime => Read(sql => MetaTable.Read(sql, MetaTable.Applied));

    /// <summary>The collection in natural order, or as of <paramref name="asOf"/>; read as the caller walks it.</summary>
    public IEnumerable<BsonDocument> Scan(Namespace ns, OpTime? asOf = null)
    {
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: true);
        using var sql = new SqlSession(connection, transaction);
        var documents = asOf is { } point
            ? UndoLog.ScanAsOf(sql, ns.Full, EnsureKept(sql, point))
            : DocumentTable.Scan(sql, ns.Full);
        foreach (var doc in documents) yield return doc;
    }

    public BsonDocument? FindById(Namespace ns, BsonValue id, OpTime? asOf = null) => Read(sql =>
    {
        var idKey = KeyEncoder.Encode(id);
        if (asOf is { } point) return UndoLog.FindAsOf(sql, ns.Full, idKey, EnsureKept(sql, point));
        return DocumentTable.Get(sql, ns.Full, idKey) is { } bson ? DocumentTable.Deserialize(bson) : null;
    });

    public IReadOnlyList<DatabaseInfo> ListDatabases() => Read(sql => Catalog.Databases(sql).Select(db =>
    {
        var size = DocumentTable.Size(sql, db);
        return new DatabaseInfo(db, size, Empty: size == 0);
    }).ToList());

    public IReadOnlyList<CollectionInfo> ListCollections(string db) => Read(sql => Catalog.Collections(sql, db));

    /// <summary>The collection's indexes, _id_ first; NamespaceNotFound if it does not exist.</summary>
    public IReadOnlyList<IndexSpec> ListIndexes(Namespace ns) => Read(sql => Catalog.Indexes(sql, ns));

    public long Count(Namespace ns) => Read(sql => DocumentTable.Count(sql, ns.Full));

    /// <summary>The BSON size of the database's documents, for listDatabases' sizeOnDisk.</summary>
    public long ApproximateSize(string db) => Read(sql => DocumentTable.Size(sql, db));

    /// <summary>True while an initial sync has not finished refilling the store.</summary>
    public bool InitialSyncInProgress => Read(StoreClone.InProgress);

    /// <summary>Whether any collection exists: a member with no oplog and no data needs an initial sync.</summary>
    public bool HasData => Read(StoreClone.HasData);

    /// <summary>
    /// Every collection (the store never holds <c>local</c>'s), with its documents and their BSON bytes counted
    /// in one scan: what an initial sync will clone (listDatabases' sizes would cost a scan of every database more).
    /// </summary>
    public IReadOnlyList<(Namespace Ns, OpTime CreatedAt, long Documents, long Bytes)> CloneTotals() => Read(sql =>
        Catalog.Databases(sql)
            .SelectMany(db => Catalog.Collections(sql, db).Select(c =>
            {
                var ns = new Namespace(db, c.Name);
                var (documents, bytes) = StoreClone.Totals(sql, ns.Full);
                return (ns, c.CreatedAt, documents, bytes);
            }))
            .ToList());

    /// <summary>
    /// A page of the collection in _id key order after <paramref name="afterKey"/> (empty: from the start), for a
    /// member that clones from here; its own snapshot, so pages may see different moments (the oplog fixes that up).
    /// </summary>
    public ClonePage ClonePage(Namespace ns, byte[] afterKey, int maxDocuments, long maxBytes) => Read(sql =>
    {
        var (documents, lastKey, bytes, done) = StoreClone.Page(sql, ns.Full, afterKey, maxDocuments, maxBytes);
        return new ClonePage(documents, lastKey, bytes, done);
    });

    /// <summary>An asOf older than the pruned history cannot be answered: the versions it needs are gone.</summary>
    private static OpTime EnsureKept(SqlSession sql, OpTime asOf)
    {
        var history = MetaTable.Read(sql, MetaTable.History);
        if (asOf < history)
            throw new ReplicaException(ErrorCode.OperationFailed, $"cannot read as of {asOf}: versions at or before {history} were pruned");
        return asOf;
    }

    /// <summary>Runs the reads in one read transaction, so they see one snapshot.</summary>
    private T Read<T>(Func<SqlSession, T> read)
    {
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: true);
        using var sql = new SqlSession(connection, transaction);
        return read(sql);
    }

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }
}
