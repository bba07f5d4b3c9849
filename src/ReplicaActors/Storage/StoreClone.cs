using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>
/// Initial sync's side of the store: wiping it under a durable "in progress" marker, loading what a sync
/// source sends (no undo rows: nothing before the sync can be read or rolled back to), and paging a
/// collection by _id key for a member that clones from here.
/// </summary>
internal static class StoreClone
{
    /// <summary>Present while an initial sync runs: a member restarted with it wipes its data and syncs again.</summary>
    public const string InProgressMarker = "initial-sync";

    public static bool InProgress(SqlSession sql) =>
        (long)sql.Scalar("SELECT COUNT(*) FROM meta WHERE name = $name", ("$name", InProgressMarker))! > 0;

    public static bool HasData(SqlSession sql) =>
        (long)sql.Scalar("SELECT COUNT(*) FROM collections")! > 0;

    public static void Mark(SqlSession sql) => MetaTable.Write(sql, InProgressMarker, OpTime.Null);

    /// <summary>Every collection, document, index and undo row goes; AppliedOpTime and history go back to null; the marker is set.</summary>
    public static void Wipe(SqlSession sql)
    {
        sql.Execute("DELETE FROM index_keys; DELETE FROM documents; DELETE FROM indexes; DELETE FROM collections; DELETE FROM undo_log;");
        sql.Execute("DELETE FROM meta WHERE name IN ($applied, $history)", ("$applied", MetaTable.Applied), ("$history", MetaTable.History));
        Mark(sql);
    }

    public static void Finish(SqlSession sql) =>
        sql.Execute("DELETE FROM meta WHERE name = $name", ("$name", InProgressMarker));

    public static void InsertDocuments(SqlSession sql, Namespace ns, IEnumerable<ClonedDocument> documents) =>
        DocumentTable.PutAll(sql, ns.Full, documents.Select(d => (d.IdKey, d.Bson)));

    /// <summary>
    /// Up to <paramref name="maxDocuments"/> documents (and about <paramref name="maxBytes"/>) after the
    /// _id key <paramref name="afterKey"/> (empty: from the first), in key order, with the last key read.
    /// </summary>
    public static (List<ClonedDocument> Documents, byte[] LastKey, long Bytes, bool Done) Page(
        SqlSession sql, string ns, byte[] afterKey, int maxDocuments, long maxBytes)
    {
        var documents = new List<ClonedDocument>();
        var lastKey = afterKey;
        long bytes = 0;
        foreach (var (key, doc) in sql.Stream(
                     "SELECT id_key, doc FROM documents WHERE ns = $ns AND id_key > $after ORDER BY id_key LIMIT $limit",
                     r => ((byte[])r[0], (byte[])r[1]), ("$ns", ns), ("$after", afterKey), ("$limit", maxDocuments + 1)))
        {
            if (documents.Count == maxDocuments || (documents.Count > 0 && bytes + doc.Length > maxBytes))
                return (documents, lastKey, bytes, false);
            documents.Add(new ClonedDocument(key, doc));
            lastKey = key;
            bytes += doc.Length;
        }
        return (documents, lastKey, bytes, true);
    }

    /// <summary>The collection's documents and their BSON bytes, in one scan.</summary>
    public static (long Documents, long Bytes) Totals(SqlSession sql, string ns) =>
        sql.Query("SELECT COUNT(*), COALESCE(SUM(length(doc)), 0) FROM documents WHERE ns = $ns", r => (r.GetInt64(0), r.GetInt64(1)), ("$ns", ns))
            .Single();
}
