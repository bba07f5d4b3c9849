using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>The member's document store tables, in one place. Created on open; every statement is idempotent.</summary>
internal static class StoreSchema
{
    public const string Sql = """
        -- Named OpTimes: 'applied' (the newest oplog entry applied, written in the same transaction as its
        -- change, so after a crash the journal is re-applied from here) and 'history' (undo rows at or
        -- before it were pruned: no read or rollback can go back that far).
        CREATE TABLE IF NOT EXISTS meta (
            name TEXT PRIMARY KEY,
            ts   INTEGER NOT NULL, -- Timestamp.Packed
            term INTEGER NOT NULL
        );

        -- The catalog: one row per collection, with the OpTime of the entry that created it.
        CREATE TABLE IF NOT EXISTS collections (
            ns           TEXT PRIMARY KEY, -- "db.coll"
            db           TEXT NOT NULL,
            name         TEXT NOT NULL,
            created_ts   INTEGER NOT NULL,
            created_term INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS collections_by_db ON collections (db);

        -- Secondary indexes. The _id_ index is implicit: it is the documents table's unique (ns, id_key).
        CREATE TABLE IF NOT EXISTS indexes (
            seq       INTEGER PRIMARY KEY, -- creation order, which listIndexes keeps
            ns        TEXT NOT NULL,
            name      TEXT NOT NULL,
            key       BLOB NOT NULL,       -- the key pattern as a BSON document, e.g. { a: 1, b: -1 }
            is_unique INTEGER NOT NULL,
            UNIQUE (ns, name)
        );

        -- Documents as BSON, keyed by the canonical encoding of _id (KeyEncoder: 1, 1L and 1.0 are one key).
        -- The rowid keeps insertion order, which scans return, as MongoDB's natural order does.
        CREATE TABLE IF NOT EXISTS documents (
            seq    INTEGER PRIMARY KEY,
            ns     TEXT NOT NULL,
            id_key BLOB NOT NULL,
            doc    BLOB NOT NULL,
            UNIQUE (ns, id_key)
        );

        -- One row per (index, key, document): a document with an array under an indexed path has one key
        -- per element. Unique indexes are enforced by looking a key up here before writing it.
        CREATE TABLE IF NOT EXISTS index_keys (
            ns         TEXT NOT NULL,
            index_name TEXT NOT NULL,
            key        BLOB NOT NULL, -- KeyEncoder of the array of values at the pattern's paths
            id_key     BLOB NOT NULL,
            PRIMARY KEY (ns, index_name, key, id_key)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS index_keys_by_document ON index_keys (ns, id_key);

        -- The undo log: the state of each changed item just before the change, keyed by the change's
        -- OpTime. Reads as of an OpTime S take the pre-image of the earliest row after S; rollback to S
        -- restores rows after S newest first. Rows at or before the majority commit point are pruned.
        CREATE TABLE IF NOT EXISTS undo_log (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT, -- the order the changes were made in
            ts         INTEGER NOT NULL,
            term       INTEGER NOT NULL,
            ns         TEXT NOT NULL,
            kind       TEXT NOT NULL CHECK (kind IN ('document', 'index', 'collection')),
            id_key     BLOB,          -- kind 'document': the document's _id key
            index_name TEXT,          -- kind 'index': the index's name
            pre_image  BLOB           -- BSON: the document, index spec or collection info; NULL = did not exist
        );
        CREATE INDEX IF NOT EXISTS undo_log_by_document ON undo_log (ns, id_key, seq) WHERE kind = 'document';
        DROP INDEX IF EXISTS undo_log_by_optime; -- (ts, term): the order before OpTime ordered by term first
        CREATE INDEX IF NOT EXISTS undo_log_by_term_ts ON undo_log (term, ts);
        """;
}
