using System.Diagnostics;
using Microsoft.Data.Sqlite;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>
/// One write transaction of the store's single writer: oplog entries applied in order, readable by this
/// batch before commit, invisible to readers until <see cref="Commit"/>, which also records the newest
/// applied OpTime. Disposing without committing undoes the whole batch.
/// </summary>
public sealed class StoreBatch : IDisposable
{
    private readonly SqlSession sql;
    private readonly StoreChanges changes;
    private readonly Action onClose;
    private readonly AppliedOps applied;
    private readonly AppliedOps.Tally tally = new();
    private readonly long started = Stopwatch.GetTimestamp();
    private int savepoints;

    internal StoreBatch(SqliteConnection connection, AppliedOps applied, Action onClose)
    {
        Transaction = connection.BeginTransaction();
        sql = new SqlSession(connection, Transaction);
        changes = new StoreChanges(sql);
        this.applied = applied;
        this.onClose = onClose;
    }

    internal SqliteTransaction Transaction { get; }

    internal bool IsClosed { get; private set; }

    /// <summary>The newest entry applied in this batch so far; null before the first.</summary>
    internal OpTime? NewestApplied { get; private set; }

    /// <summary>
    /// Applies one entry from the oplog, as a secondary does, all or nothing: if it throws, the batch is as it was before
    /// the call. Counted in the store's <see cref="AppliedOps"/> when the batch commits.
    /// </summary>
    public void Apply(OplogEntry entry)
    {
        Change(entry);
        tally.Add(entry.Op);
    }

    /// <summary>Makes the change of an entry a write on this member just produced (a primary's own write: not counted as applied).</summary>
    internal void Write(OplogEntry entry) => Change(entry);

    private void Change(OplogEntry entry)
    {
        using var scope = Savepoint();
        switch (entry.Op)
        {
            case OpType.Insert:
                Put(Namespace.Parse(entry.Ns), IdOf(entry.O, entry), entry.O, entry);
                break;
            case OpType.Update:
                Put(Namespace.Parse(entry.Ns), entry.O2 ?? throw Malformed(entry, "has no o2 _id"), entry.O, entry);
                break;
            case OpType.Delete:
                changes.DeleteDocument(Namespace.Parse(entry.Ns).Full, KeyEncoder.Encode(IdOf(entry.O, entry)), entry.OpTime);
                break;
            case OpType.Command:
                OplogCommands.Apply(sql, changes, entry);
                break;
        }
        NewestApplied = NewestApplied is { } newest ? OpTime.Max(newest, entry.OpTime) : entry.OpTime;
        scope.Release();
    }

    public BsonDocument? FindById(Namespace ns, BsonValue id) =>
        DocumentTable.Get(sql, ns.Full, KeyEncoder.Encode(id)) is { } bson ? DocumentTable.Deserialize(bson) : null;

    /// <summary>The collection in natural order, read in full first so the caller may apply entries while walking it.</summary>
    public IEnumerable<BsonDocument> Scan(Namespace ns) => DocumentTable.Scan(sql, ns.Full).ToList();

    public bool CollectionExists(Namespace ns) => Catalog.Exists(sql, ns.Full);

    /// <summary>The collection's indexes, _id_ first; NamespaceNotFound if it does not exist.</summary>
    public IReadOnlyList<IndexSpec> GetIndexes(Namespace ns) => Catalog.Indexes(sql, ns);

    public StoreSavepoint Savepoint()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        return new StoreSavepoint(this, $"sp{++savepoints}");
    }

    /// <summary>Makes the batch durable and visible, with AppliedOpTime = the newest entry applied, in the same transaction.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        if (NewestApplied is { } newest)
            MetaTable.Write(sql, MetaTable.Applied, OpTime.Max(MetaTable.Read(sql, MetaTable.Applied), newest));
        Transaction.Commit();
        applied.Committed(tally, Stopwatch.GetElapsedTime(started));
        Close();
    }

    public void Dispose()
    {
        if (IsClosed) return;
        Transaction.Rollback();
        Close();
    }

    internal void RollbackToSavepoint(string name, OpTime? newestBefore)
    {
        Transaction.Rollback(name);
        Transaction.Release(name);
        NewestApplied = newestBefore;
    }

    private void Put(Namespace ns, BsonValue id, BsonDocument doc, OplogEntry entry)
    {
        var idKey = KeyEncoder.Encode(id);
        if (!doc.TryGetValue("_id", out var docId))
            doc = new BsonDocument("_id", id).AddRange(doc);
        else if (!KeyEncoder.Encode(docId).AsSpan().SequenceEqual(idKey))
            throw new ReplicaException(ErrorCode.ImmutableField, $"oplog entry at {entry.OpTime} replaces the document with _id {id} by one with _id {docId}");
        changes.EnsureCollection(ns, entry.OpTime, entry.OpTime);
        changes.PutDocument(ns.Full, idKey, doc, entry.OpTime);
    }

    private static BsonValue IdOf(BsonDocument o, OplogEntry entry) =>
        o.TryGetValue("_id", out var id) ? id : throw Malformed(entry, "has no _id in o");

    private static ReplicaException Malformed(OplogEntry entry, string problem) =>
        new(ErrorCode.BadValue, $"oplog entry '{OplogEntry.OpCode(entry.Op)}' on {entry.Ns} at {entry.OpTime} {problem}");

    private void Close()
    {
        IsClosed = true;
        sql.Dispose();
        Transaction.Dispose();
        onClose();
    }
}
