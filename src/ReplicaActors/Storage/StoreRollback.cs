using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>
/// Undoes every change after a common point: restores each undo row after it, newest first (each step
/// returns one item to its state before one change, so every intermediate state is one the store really had),
/// and hands back the documents it discarded for the rollback files.
/// </summary>
internal static class StoreRollback
{
    public static IReadOnlyDictionary<Namespace, IReadOnlyList<BsonDocument>> To(SqlSession sql, OpTime common)
    {
        var applied = MetaTable.Read(sql, MetaTable.Applied);
        if (common > applied)
            throw new ReplicaException(ErrorCode.BadValue, $"cannot roll back to {common}: it is newer than the applied OpTime {applied}");
        var history = MetaTable.Read(sql, MetaTable.History);
        if (common < history)
            throw new ReplicaException(ErrorCode.OperationFailed, $"cannot roll back to {common}: history at or before {history} was pruned");

        var rows = UndoLog.After(sql, common);
        var discarded = Discarded(sql, rows);
        var changes = new StoreChanges(sql);
        foreach (var row in rows) changes.Restore(row);
        UndoLog.DeleteAfter(sql, common);
        MetaTable.Write(sql, MetaTable.Applied, common);
        return discarded;
    }

    /// <summary>The current version of every document changed after the common point, in the order first changed.</summary>
    private static Dictionary<Namespace, IReadOnlyList<BsonDocument>> Discarded(SqlSession sql, List<UndoRow> newestFirst)
    {
        var seen = new HashSet<string>();
        var byNamespace = new Dictionary<Namespace, List<BsonDocument>>();
        foreach (var row in Enumerable.Reverse(newestFirst).Where(r => r.Kind == UndoRow.Document))
        {
            if (!seen.Add($"{row.Ns}\0{Convert.ToHexString(row.IdKey!)}")) continue;
            if (DocumentTable.Get(sql, row.Ns, row.IdKey!) is not { } current) continue;
            var ns = Namespace.Parse(row.Ns);
            if (!byNamespace.TryGetValue(ns, out var docs)) byNamespace[ns] = docs = [];
            docs.Add(DocumentTable.Deserialize(current));
        }
        return byNamespace.ToDictionary(p => p.Key, p => (IReadOnlyList<BsonDocument>)p.Value);
    }
}
