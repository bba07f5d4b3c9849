using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace ReplicaActors.Storage;

/// <summary>The documents table: BSON bytes keyed by namespace and canonical _id.</summary>
internal static class DocumentTable
{
    public static byte[]? Get(SqlSession sql, string ns, byte[] idKey) =>
        sql.Query("SELECT doc FROM documents WHERE ns = $ns AND id_key = $id", r => (byte[])r[0], ("$ns", ns), ("$id", idKey))
            .SingleOrDefault();

    private const string PutSql = """
        INSERT INTO documents (ns, id_key, doc) VALUES ($ns, $id, $doc)
        ON CONFLICT (ns, id_key) DO UPDATE SET doc = excluded.doc
        """;

    /// <summary>Updates in place when the _id exists, so the document keeps its place in natural order.</summary>
    public static void Put(SqlSession sql, string ns, byte[] idKey, byte[] doc) =>
        sql.Execute(PutSql, ("$ns", ns), ("$id", idKey), ("$doc", doc));

    /// <summary><see cref="Put"/> for many documents of one collection, on one prepared statement.</summary>
    public static void PutAll(SqlSession sql, string ns, IEnumerable<(byte[] IdKey, byte[] Doc)> documents) =>
        sql.ExecuteForEach(PutSql, documents, ("$ns", _ => ns), ("$id", d => d.IdKey), ("$doc", d => d.Doc));

    public static void Delete(SqlSession sql, string ns, byte[] idKey) =>
        sql.Execute("DELETE FROM documents WHERE ns = $ns AND id_key = $id", ("$ns", ns), ("$id", idKey));

    public static void DeleteCollection(SqlSession sql, string ns) =>
        sql.Execute("DELETE FROM documents WHERE ns = $ns", ("$ns", ns));

    /// <summary>The collection in natural (insertion) order, read as the caller walks it.</summary>
    public static IEnumerable<BsonDocument> Scan(SqlSession sql, string ns) =>
        sql.Stream("SELECT doc FROM documents WHERE ns = $ns ORDER BY seq", r => Deserialize((byte[])r[0]), ("$ns", ns));

    public static List<(byte[] IdKey, BsonDocument Doc)> WithIds(SqlSession sql, string ns) =>
        sql.Query("SELECT id_key, doc FROM documents WHERE ns = $ns ORDER BY seq", r => ((byte[])r[0], Deserialize((byte[])r[1])), ("$ns", ns));

    public static long Count(SqlSession sql, string ns) =>
        (long)sql.Scalar("SELECT COUNT(*) FROM documents WHERE ns = $ns", ("$ns", ns))!;

    /// <summary>The BSON bytes of every document in the database: listDatabases' sizeOnDisk.</summary>
    public static long Size(SqlSession sql, string db) =>
        (long)sql.Scalar("""
            SELECT COALESCE(SUM(length(d.doc)), 0) FROM documents d JOIN collections c ON c.ns = d.ns WHERE c.db = $db
            """, ("$db", db))!;

    public static BsonDocument Deserialize(byte[] bson) => BsonSerializer.Deserialize<BsonDocument>(bson);
}
