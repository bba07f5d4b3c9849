using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>One undo row: what an item (a document, index or collection) was just before a change.</summary>
internal sealed record UndoRow(string Ns, string Kind, byte[]? IdKey, string? IndexName, byte[]? PreImage)
{
    public const string Document = "document";
    public const string Index = "index";
    public const string Collection = "collection";
}

/// <summary>
/// The undo_log table: pre-images keyed by the OpTime of the change, recorded in the change's transaction.
/// Reads as of an OpTime and rollback to an OpTime both work from the rows after it.
/// </summary>
internal static class UndoLog
{
    /// <summary>(term, ts) after the OpTime ($term, $ts), in SQL row-value order: the same order as <see cref="OpTime"/>.</summary>
    private const string AfterPoint = "(term, ts) > ($term, $ts)";

    public static void RecordDocument(SqlSession sql, OpTime at, string ns, byte[] idKey, byte[]? preImage) =>
        Record(sql, at, ns, UndoRow.Document, idKey, null, preImage);

    public static void RecordIndex(SqlSession sql, OpTime at, string ns, string name, IndexSpec? preImage) =>
        Record(sql, at, ns, UndoRow.Index, null, name, preImage?.ToBson().ToBson());

    public static void RecordCollection(SqlSession sql, OpTime at, string ns, OpTime? createdAt) =>
        Record(sql, at, ns, UndoRow.Collection, null, null, createdAt is { } c ? CollectionImage(c).ToBson() : null);

    /// <summary>Records every document of the collection as deleted at <paramref name="at"/>, in natural order.</summary>
    public static void RecordAllDocuments(SqlSession sql, OpTime at, string ns) =>
        sql.Execute("""
            INSERT INTO undo_log (ts, term, ns, kind, id_key, pre_image)
            SELECT $ts, $term, ns, 'document', id_key, doc FROM documents WHERE ns = $ns ORDER BY seq
            """, ("$ts", at.Ts.Packed), ("$term", at.Term), ("$ns", ns));

    public static BsonDocument CollectionImage(OpTime createdAt) => new() { { "ts", createdAt.Ts.Packed }, { "t", createdAt.Term } };

    public static OpTime CreatedAt(BsonDocument collectionImage) =>
        new(Timestamp.FromPacked(collectionImage["ts"].AsInt64), collectionImage["t"].AsInt64);

    /// <summary>Deletes the rows at or before <paramref name="upTo"/>: no read or rollback will need them.</summary>
    public static void Prune(SqlSession sql, OpTime upTo) =>
        sql.Execute("DELETE FROM undo_log WHERE NOT " + AfterPoint, Point(upTo));

    /// <summary>The rows after <paramref name="point"/>, newest change first: the order to undo them in.</summary>
    public static List<UndoRow> After(SqlSession sql, OpTime point) =>
        sql.Query($"SELECT ns, kind, id_key, index_name, pre_image FROM undo_log WHERE {AfterPoint} ORDER BY seq DESC",
            r => new UndoRow(r.GetString(0), r.GetString(1), r[2] as byte[], r[3] as string, r[4] as byte[]), Point(point));

    public static void DeleteAfter(SqlSession sql, OpTime point) =>
        sql.Execute("DELETE FROM undo_log WHERE " + AfterPoint, Point(point));

    /// <summary>
    /// The collection as of <paramref name="asOf"/>: documents unchanged since, plus, for those changed after it,
    /// the pre-image of their earliest change after it (when they existed then).
    /// </summary>
    public static IEnumerable<BsonDocument> ScanAsOf(SqlSession sql, string ns, OpTime asOf) =>
        sql.Stream($"""
            SELECT d.doc FROM documents d
            WHERE d.ns = $ns AND NOT EXISTS (
                SELECT 1 FROM undo_log u WHERE u.kind = 'document' AND u.ns = d.ns AND u.id_key = d.id_key AND (u.term, u.ts) > ($term, $ts))
            UNION ALL
            SELECT u.pre_image FROM undo_log u
            WHERE u.kind = 'document' AND u.ns = $ns AND u.pre_image IS NOT NULL AND u.seq = (
                SELECT MIN(v.seq) FROM undo_log v WHERE v.kind = 'document' AND v.ns = u.ns AND v.id_key = u.id_key AND (v.term, v.ts) > ($term, $ts))
            """, r => DocumentTable.Deserialize((byte[])r[0]), [("$ns", ns), .. Point(asOf)]);

    /// <summary>The document as of <paramref name="asOf"/>, or null when it did not exist then.</summary>
    public static BsonDocument? FindAsOf(SqlSession sql, string ns, byte[] idKey, OpTime asOf)
    {
        var earliest = sql.Query($"""
            SELECT pre_image FROM undo_log
            WHERE kind = 'document' AND ns = $ns AND id_key = $id AND {AfterPoint} ORDER BY seq LIMIT 1
            """, r => r[0] as byte[], [("$ns", ns), ("$id", idKey), .. Point(asOf)]);
        var bson = earliest.Count > 0 ? earliest[0] : DocumentTable.Get(sql, ns, idKey);
        return bson is null ? null : DocumentTable.Deserialize(bson);
    }

    private static void Record(SqlSession sql, OpTime at, string ns, string kind, byte[]? idKey, string? indexName, byte[]? preImage) =>
        sql.Execute("""
            INSERT INTO undo_log (ts, term, ns, kind, id_key, index_name, pre_image)
            VALUES ($ts, $term, $ns, $kind, $id, $index, $pre)
            """, ("$ts", at.Ts.Packed), ("$term", at.Term), ("$ns", ns), ("$kind", kind), ("$id", idKey), ("$index", indexName), ("$pre", preImage));

    private static (string, object?)[] Point(OpTime point) => [("$ts", point.Ts.Packed), ("$term", point.Term)];
}
