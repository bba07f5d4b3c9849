using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>
/// The changes storage can make, each keeping documents, index keys and catalog consistent. Applying an
/// oplog entry passes its OpTime as <c>at</c>, so the pre-image goes to the undo log; rollback passes null
/// while it restores pre-images. A change that changes nothing records nothing, which is what makes
/// re-applying an entry harmless.
/// </summary>
internal sealed class StoreChanges(SqlSession sql)
{
    public void EnsureCollection(Namespace ns, OpTime createdAt, OpTime? at)
    {
        if (Catalog.Exists(sql, ns.Full)) return;
        Catalog.InsertCollection(sql, ns, createdAt);
        if (at is { } t) UndoLog.RecordCollection(sql, t, ns.Full, null);
    }

    public void PutDocument(string ns, byte[] idKey, BsonDocument doc, OpTime? at)
    {
        var bson = doc.ToBson();
        var old = DocumentTable.Get(sql, ns, idKey);
        if (old is not null && old.AsSpan().SequenceEqual(bson)) return;
        IndexKeyTable.RemoveDocument(sql, ns, idKey);
        foreach (var index in Catalog.SecondaryIndexes(sql, ns)) IndexKeyTable.Add(sql, ns, index, idKey, doc);
        DocumentTable.Put(sql, ns, idKey, bson);
        if (at is { } t) UndoLog.RecordDocument(sql, t, ns, idKey, old);
    }

    public void DeleteDocument(string ns, byte[] idKey, OpTime? at)
    {
        var old = DocumentTable.Get(sql, ns, idKey);
        if (old is null) return;
        IndexKeyTable.RemoveDocument(sql, ns, idKey);
        DocumentTable.Delete(sql, ns, idKey);
        if (at is { } t) UndoLog.RecordDocument(sql, t, ns, idKey, old);
    }

    /// <summary>Adds the index and keys the existing documents; a unique index over duplicates throws DuplicateKey.</summary>
    public void CreateIndex(string ns, IndexSpec spec, OpTime? at)
    {
        Catalog.InsertIndex(sql, ns, spec);
        IndexKeyTable.Build(sql, ns, spec);
        if (at is { } t) UndoLog.RecordIndex(sql, t, ns, spec.Name, null);
    }

    public void DropIndex(string ns, string name, OpTime? at)
    {
        var spec = Catalog.SecondaryIndexes(sql, ns).FirstOrDefault(i => i.Name == name);
        if (spec is null) return;
        IndexKeyTable.RemoveIndex(sql, ns, name);
        Catalog.DeleteIndex(sql, ns, name);
        if (at is { } t) UndoLog.RecordIndex(sql, t, ns, name, spec);
    }

    /// <summary>
    /// Removes the collection with its documents and indexes. The undo rows go documents, indexes, collection,
    /// so undoing them newest first recreates the collection, then its indexes, then refills it.
    /// </summary>
    public void DropCollection(string ns, OpTime? at)
    {
        if (Catalog.CreatedAt(sql, ns) is not { } createdAt) return;
        if (at is { } t) UndoLog.RecordAllDocuments(sql, t, ns);
        IndexKeyTable.RemoveCollection(sql, ns);
        DocumentTable.DeleteCollection(sql, ns);
        foreach (var index in Catalog.SecondaryIndexes(sql, ns)) DropIndex(ns, index.Name, at);
        Catalog.DeleteCollection(sql, ns);
        if (at is { } t2) UndoLog.RecordCollection(sql, t2, ns, createdAt);
    }

    /// <summary>Puts an item back as the undo row says it was before its change (rollback).</summary>
    public void Restore(UndoRow row)
    {
        switch (row.Kind)
        {
            case UndoRow.Document when row.PreImage is null:
                DeleteDocument(row.Ns, row.IdKey!, null);
                break;
            case UndoRow.Document:
                PutDocument(row.Ns, row.IdKey!, DocumentTable.Deserialize(row.PreImage), null);
                break;
            case UndoRow.Index when row.PreImage is null:
                DropIndex(row.Ns, row.IndexName!, null);
                break;
            case UndoRow.Index:
                CreateIndex(row.Ns, IndexSpec.FromBson(BsonSerializer.Deserialize<BsonDocument>(row.PreImage)), null);
                break;
            case UndoRow.Collection when row.PreImage is null:
                DropCollection(row.Ns, null);
                break;
            default:
                EnsureCollection(Namespace.Parse(row.Ns), UndoLog.CreatedAt(DocumentTable.Deserialize(row.PreImage!)), null);
                break;
        }
    }
}
