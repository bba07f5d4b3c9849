using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;

namespace ReplicaActors.Tests.Storage;

/// <summary>Oplog entries for storage specs: OpTime t is second t of term 1.</summary>
internal static class Ops
{
    public static OpTime At(uint t) => new(new Timestamp(t, 0), 1);

    public static OplogEntry Insert(uint t, string ns, BsonDocument doc) => new(At(t), 0, OpType.Insert, ns, doc, null);

    public static OplogEntry Update(uint t, string ns, BsonValue id, BsonDocument doc) => new(At(t), 0, OpType.Update, ns, doc, id);

    public static OplogEntry Delete(uint t, string ns, BsonValue id) => new(At(t), 0, OpType.Delete, ns, new BsonDocument("_id", id), null);

    public static OplogEntry Command(uint t, string db, BsonDocument command) => new(At(t), 0, OpType.Command, $"{db}.$cmd", command, null);

    public static OplogEntry Noop(uint t) => new(At(t), 0, OpType.Noop, "", new BsonDocument("msg", "new primary"), null);

    public static OplogEntry UniqueIndex(uint t, string db, string coll, BsonDocument key, string? name = null)
    {
        var spec = new BsonDocument { { "key", key }, { "unique", true } };
        if (name is not null) spec.Add("name", name);
        return Command(t, db, new BsonDocument { { "createIndexes", coll }, { "indexes", new BsonArray { spec } } });
    }

    /// <summary>Applies the entries in one committed batch.</summary>
    public static void ApplyAll(this DocumentStore store, params OplogEntry[] entries)
    {
        using var batch = store.BeginBatch();
        foreach (var entry in entries) batch.Apply(entry);
        batch.Commit();
    }

    public static BsonDocument Doc(string json) => BsonDocument.Parse(json);
}
