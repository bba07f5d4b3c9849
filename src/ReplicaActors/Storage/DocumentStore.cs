using Microsoft.Data.Sqlite;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>
/// The member's documents: one SQLite database where oplog entries are applied. The journal is the source
/// of truth; this store records, with each change, the OpTime it came from. One writer (batches, history
/// pruning, rollback; call these from one thread) on one connection, and a <see cref="Reader"/> for any thread.
/// </summary>
public sealed class DocumentStore : IDisposable
{
    public const string FileName = "data.db";

    private readonly SqliteConnection writer;
    private readonly WalCheckpointer checkpointer;
    private readonly Lock durableLock = new();
    private StoreBatch? openBatch;
    private string? temporaryDirectory;
    private OpTime durableApplied = OpTime.Null;
    // Bumped when the applied OpTime moves back (rollback, initial-sync wipe): a checkpoint that read the old
    // history's applied OpTime must not publish it as durable for the new one.
    private long history;

    private DocumentStore(string dataFile, string connectionString)
    {
        DataFile = dataFile;
        writer = new SqliteConnection(connectionString);
        writer.Open();
        using var sql = new SqlSession(writer, null);
        // WAL lets readers read beside the writer. synchronous=NORMAL may lose the last commits on power
        // failure, which is safe here: the journal is the durable source of truth, and on open the member
        // re-applies it after AppliedOpTime, which is committed with the changes it describes.
        sql.Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; " + WalCheckpointer.DisableAutomaticCheckpoints);
        sql.Execute(StoreSchema.Sql);
        Reader = new StoreReader(connectionString);
        checkpointer = new WalCheckpointer(dataFile, TimeSpan.FromSeconds(1), connection =>
        {
            long readIn;
            lock (durableLock) readIn = history;
            using var read = new SqlSession(connection, null);
            var applied = MetaTable.Read(read, MetaTable.Applied);
            return () =>
            {
                lock (durableLock)
                {
                    if (readIn == history) durableApplied = applied;
                }
            };
        });
    }

    /// <summary>Opens (creating if needed) the store in the member's data directory (mongod's --dbpath).</summary>
    public static DocumentStore Open(string dbPath)
    {
        Directory.CreateDirectory(dbPath);
        var dataFile = Path.Combine(dbPath, FileName);
        return new DocumentStore(dataFile, new SqliteConnectionStringBuilder
        {
            DataSource = dataFile,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString());
    }

    /// <summary>
    /// A throwaway store in a fresh temporary directory, deleted on dispose: for tests. Not SQLite's in-memory
    /// database, because there an open write transaction locks readers out, and readers reading beside the
    /// writer is what this store promises.
    /// </summary>
    public static DocumentStore OpenTemporary()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"replica-store-{Guid.NewGuid():N}");
        var store = Open(directory);
        store.temporaryDirectory = directory;
        return store;
    }

    /// <summary>The SQLite file holding the store.</summary>
    public string DataFile { get; }

    public StoreReader Reader { get; }

    /// <summary>The newest oplog entry whose change is committed here: re-apply the journal after it.</summary>
    public OpTime AppliedOpTime => Reader.AppliedOpTime;

    /// <summary>
    /// The newest applied OpTime known to be on disk: commits run with synchronous=NORMAL, so only a
    /// completed checkpoint (about every second) makes them survive a power loss. The journal may be
    /// truncated only before this point, since recovery re-applies the journal from the store's applied OpTime.
    /// </summary>
    public OpTime DurableAppliedOpTime
    {
        get
        {
            lock (durableLock) return durableApplied;
        }
    }

    /// <summary>The oplog entries applied through batches since the store was opened, as a secondary applies them.</summary>
    public AppliedOps Applied { get; } = new();

    public StoreBatch BeginBatch()
    {
        EnsureNoBatch("begin a batch");
        return openBatch = new StoreBatch(writer, Applied, () => openBatch = null);
    }

    /// <summary>Deletes the versions at or before <paramref name="upTo"/> (the majority commit point): no majority read or rollback goes back that far.</summary>
    public void PruneHistory(OpTime upTo) => InTransaction("prune history", sql =>
    {
        UndoLog.Prune(sql, upTo);
        MetaTable.Write(sql, MetaTable.History, OpTime.Max(MetaTable.Read(sql, MetaTable.History), upTo));
        return 0;
    });

    /// <summary>
    /// Restores every document, index and collection changed after <paramref name="common"/> to its state
    /// there, sets AppliedOpTime to it, and returns the documents discarded (their versions before the
    /// rollback), by namespace, for the rollback files.
    /// </summary>
    public IReadOnlyDictionary<Namespace, IReadOnlyList<BsonDocument>> RollbackTo(OpTime common)
    {
        var undone = InTransaction("roll back", sql => StoreRollback.To(sql, common));
        AppliedMovedBack();
        return undone;
    }

    /// <summary>Sets the durable "initial sync in progress" marker, before the oplog and the data are discarded.</summary>
    public void MarkInitialSync() => InTransaction("mark an initial sync", sql =>
    {
        StoreClone.Mark(sql);
        return 0;
    });

    /// <summary>Deletes every collection, document and index, and marks an initial sync as running, in one transaction.</summary>
    public void WipeForInitialSync()
    {
        InTransaction("wipe for initial sync", sql =>
        {
            StoreClone.Wipe(sql);
            return 0;
        });
        AppliedMovedBack();
    }

    private void AppliedMovedBack()
    {
        lock (durableLock)
        {
            history++;
            durableApplied = OpTime.Min(durableApplied, AppliedOpTime);
        }
    }

    /// <summary>Clears the marker: the data is complete and consistent with the oplog.</summary>
    public void FinishInitialSync() => InTransaction("finish initial sync", sql =>
    {
        StoreClone.Finish(sql);
        return 0;
    });

    /// <summary>Initial sync: creates the collection (if new) and loads cloned documents, all in one transaction.</summary>
    public void LoadCloned(Namespace ns, OpTime createdAt, IReadOnlyList<ClonedDocument> documents) => InTransaction("load cloned documents", sql =>
    {
        var changes = new StoreChanges(sql);
        changes.EnsureCollection(ns, createdAt, null);
        StoreClone.InsertDocuments(sql, ns, documents);
        return 0;
    });

    /// <summary>Initial sync: builds the collection's cloned secondary indexes over its loaded documents.</summary>
    public void BuildClonedIndexes(Namespace ns, IReadOnlyList<IndexSpec> indexes) => InTransaction("build cloned indexes", sql =>
    {
        var changes = new StoreChanges(sql);
        var existing = Catalog.SecondaryIndexes(sql, ns.Full);
        foreach (var index in indexes.Where(i => i.Name != IndexSpec.IdIndexName && existing.All(e => e.Name != i.Name)))
            changes.CreateIndex(ns.Full, index, null);
        return 0;
    });

    public void Dispose()
    {
        checkpointer.Dispose();
        openBatch?.Dispose();
        SqliteConnection.ClearPool(writer);
        writer.Dispose();
        if (temporaryDirectory is not null) Directory.Delete(temporaryDirectory, recursive: true);
        temporaryDirectory = null;
    }

    private T InTransaction<T>(string what, Func<SqlSession, T> work)
    {
        EnsureNoBatch(what);
        using var transaction = writer.BeginTransaction();
        using var sql = new SqlSession(writer, transaction);
        var result = work(sql);
        transaction.Commit();
        return result;
    }

    private void EnsureNoBatch(string what)
    {
        if (openBatch is not null)
            throw new ReplicaException(ErrorCode.IllegalOperation, $"cannot {what}: a batch is open on this store's writer");
    }
}
