using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>The collections and indexes tables.</summary>
internal static class Catalog
{
    public static OpTime? CreatedAt(SqlSession sql, string ns) =>
        sql.Query("SELECT created_ts, created_term FROM collections WHERE ns = $ns", r => (OpTime?)MetaTable.ReadOpTime(r, 0), ("$ns", ns))
            .SingleOrDefault();

    public static bool Exists(SqlSession sql, string ns) => CreatedAt(sql, ns) is not null;

    public static void InsertCollection(SqlSession sql, Namespace ns, OpTime createdAt) =>
        sql.Execute("INSERT INTO collections (ns, db, name, created_ts, created_term) VALUES ($ns, $db, $name, $ts, $term)",
            ("$ns", ns.Full), ("$db", ns.Db), ("$name", ns.Collection), ("$ts", createdAt.Ts.Packed), ("$term", createdAt.Term));

    public static void DeleteCollection(SqlSession sql, string ns) =>
        sql.Execute("DELETE FROM collections WHERE ns = $ns", ("$ns", ns));

    public static List<CollectionInfo> Collections(SqlSession sql, string db) =>
        sql.Query("SELECT name, created_ts, created_term FROM collections WHERE db = $db ORDER BY name",
            r => new CollectionInfo(r.GetString(0), MetaTable.ReadOpTime(r, 1)), ("$db", db));

    public static List<string> Databases(SqlSession sql) =>
        sql.Query("SELECT DISTINCT db FROM collections ORDER BY db", r => r.GetString(0));

    /// <summary>The indexes besides the implicit _id_, in creation order.</summary>
    public static List<IndexSpec> SecondaryIndexes(SqlSession sql, string ns) =>
        sql.Query("SELECT name, key, is_unique FROM indexes WHERE ns = $ns ORDER BY seq",
            r => new IndexSpec(r.GetString(0), BsonSerializer.Deserialize<BsonDocument>((byte[])r[1]), r.GetBoolean(2)), ("$ns", ns));

    /// <summary>Every index of the collection, _id_ first, as listIndexes shows them.</summary>
    public static List<IndexSpec> Indexes(SqlSession sql, Namespace ns)
    {
        if (!Exists(sql, ns.Full))
            throw new ReplicaException(ErrorCode.NamespaceNotFound, $"ns does not exist: {ns}");
        return [IndexSpec.Id, .. SecondaryIndexes(sql, ns.Full)];
    }

    public static void InsertIndex(SqlSession sql, string ns, IndexSpec spec) =>
        sql.Execute("INSERT INTO indexes (ns, name, key, is_unique) VALUES ($ns, $name, $key, $unique)",
            ("$ns", ns), ("$name", spec.Name), ("$key", spec.Key.ToBson()), ("$unique", spec.Unique));

    public static void DeleteIndex(SqlSession sql, string ns, string name) =>
        sql.Execute("DELETE FROM indexes WHERE ns = $ns AND name = $name", ("$ns", ns), ("$name", name));
}
