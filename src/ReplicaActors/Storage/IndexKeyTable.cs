using MongoDB.Bson;

namespace ReplicaActors.Storage;

/// <summary>The index_keys table: the keys of every secondary index, and the check that makes unique ones unique.</summary>
internal static class IndexKeyTable
{
    /// <summary>Adds the document's keys for the index; throws DuplicateKey if another document holds one of them in a unique index.</summary>
    public static void Add(SqlSession sql, string ns, IndexSpec index, byte[] idKey, BsonDocument doc)
    {
        foreach (var key in IndexKeyGenerator.KeysOf(doc, index.Key))
        {
            if (index.Unique && HeldByAnother(sql, ns, index.Name, key.Encoded, idKey))
                throw DuplicateKeyError.Create(ns, index.Name, index.Key.Names, key.Values);
            sql.Execute("INSERT INTO index_keys (ns, index_name, key, id_key) VALUES ($ns, $index, $key, $id)",
                ("$ns", ns), ("$index", index.Name), ("$key", key.Encoded), ("$id", idKey));
        }
    }

    /// <summary>Keys every document of the collection for a new index; a unique index over duplicates throws.</summary>
    public static void Build(SqlSession sql, string ns, IndexSpec index)
    {
        foreach (var (idKey, doc) in DocumentTable.WithIds(sql, ns)) Add(sql, ns, index, idKey, doc);
    }

    public static void RemoveDocument(SqlSession sql, string ns, byte[] idKey) =>
        sql.Execute("DELETE FROM index_keys WHERE ns = $ns AND id_key = $id", ("$ns", ns), ("$id", idKey));

    public static void RemoveIndex(SqlSession sql, string ns, string name) =>
        sql.Execute("DELETE FROM index_keys WHERE ns = $ns AND index_name = $index", ("$ns", ns), ("$index", name));

    public static void RemoveCollection(SqlSession sql, string ns) =>
        sql.Execute("DELETE FROM index_keys WHERE ns = $ns", ("$ns", ns));

    private static bool HeldByAnother(SqlSession sql, string ns, string index, byte[] key, byte[] idKey) =>
        sql.Scalar("SELECT 1 FROM index_keys WHERE ns = $ns AND index_name = $index AND key = $key AND id_key <> $id LIMIT 1",
            ("$ns", ns), ("$index", index), ("$key", key), ("$id", idKey)) is not null;
}
