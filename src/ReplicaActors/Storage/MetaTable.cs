using Microsoft.Data.Sqlite;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>The store's named OpTimes (see the meta table in <see cref="StoreSchema"/>).</summary>
internal static class MetaTable
{
    /// <summary>The newest oplog entry applied: the journal is re-applied after it on open.</summary>
    public const string Applied = "applied";

    /// <summary>Undo rows at or before this were pruned: the oldest point reads and rollback can reach.</summary>
    public const string History = "history";

    public static OpTime Read(SqlSession sql, string name) =>
        sql.Query("SELECT ts, term FROM meta WHERE name = $name", r => ReadOpTime(r, 0), ("$name", name))
            .DefaultIfEmpty(OpTime.Null).Single();

    public static void Write(SqlSession sql, string name, OpTime value) =>
        sql.Execute("""
            INSERT INTO meta (name, ts, term) VALUES ($name, $ts, $term)
            ON CONFLICT (name) DO UPDATE SET ts = excluded.ts, term = excluded.term
            """, ("$name", name), ("$ts", value.Ts.Packed), ("$term", value.Term));

    /// <summary>An OpTime stored as two columns, packed timestamp then term, starting at <paramref name="first"/>.</summary>
    public static OpTime ReadOpTime(SqliteDataReader row, int first) =>
        new(Timestamp.FromPacked(row.GetInt64(first)), row.GetInt64(first + 1));
}
