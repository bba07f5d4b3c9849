using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>
/// Applies "c" entries: create, drop, dropDatabase, createIndexes, dropIndexes on "db.$cmd". Dropping what is
/// already gone and creating what already exists (identically) do nothing, so re-applying is harmless.
/// </summary>
internal static class OplogCommands
{
    public static void Apply(SqlSession sql, StoreChanges changes, OplogEntry entry)
    {
        var db = DatabaseOf(entry.Ns);
        var o = entry.O;
        var name = o.ElementCount == 0 ? "" : o.GetElement(0).Name;
        switch (name)
        {
            case "create":
                changes.EnsureCollection(CollectionOf(db, o, name), entry.OpTime, entry.OpTime);
                break;
            case "drop":
                changes.DropCollection(CollectionOf(db, o, name).Full, entry.OpTime);
                break;
            case "dropDatabase":
                foreach (var collection in Catalog.Collections(sql, db)) changes.DropCollection($"{db}.{collection.Name}", entry.OpTime);
                break;
            case "createIndexes":
                CreateIndexes(sql, changes, CollectionOf(db, o, name), o, entry.OpTime);
                break;
            case "dropIndexes":
                DropIndexes(sql, changes, CollectionOf(db, o, name), o, entry.OpTime);
                break;
            default:
                throw new ReplicaException(ErrorCode.BadValue, $"unknown command '{name}' in oplog entry on {entry.Ns}");
        }
    }

    private static void CreateIndexes(SqlSession sql, StoreChanges changes, Namespace ns, BsonDocument o, OpTime at)
    {
        if (!o.TryGetValue("indexes", out var specs) || !specs.IsBsonArray || specs.AsBsonArray.Count == 0)
            throw new ReplicaException(ErrorCode.FailedToParse, $"createIndexes on {ns} needs a non-empty 'indexes' array");
        changes.EnsureCollection(ns, at, at);
        var existing = Catalog.Indexes(sql, ns);
        foreach (var spec in specs.AsBsonArray.Select(IndexSpec.Parse))
        {
            if (existing.FirstOrDefault(i => i.Name == spec.Name) is { } sameName)
            {
                var identical = sameName.HasSameKey(spec) && (sameName.Unique == spec.Unique || sameName.Name == IndexSpec.IdIndexName);
                if (identical) continue;
                throw new ReplicaException(ErrorCode.IndexKeySpecsConflict,
                    $"An existing index has the same name as the requested index. Requested index: {spec.ToBson()}, existing index: {sameName.ToBson()}");
            }
            if (existing.FirstOrDefault(i => i.HasSameKey(spec)) is { } sameKey)
                throw new ReplicaException(ErrorCode.IndexOptionsConflict,
                    $"Index already exists with a different name: {sameKey.Name} (requested {spec.Name} on {ns})");
            changes.CreateIndex(ns.Full, spec, at);
            existing.Add(spec);
        }
    }

    /// <summary><c>index</c> is a name, "*" (all but _id_) or a key pattern.</summary>
    private static void DropIndexes(SqlSession sql, StoreChanges changes, Namespace ns, BsonDocument o, OpTime at)
    {
        if (!o.TryGetValue("index", out var index))
            throw new ReplicaException(ErrorCode.FailedToParse, $"dropIndexes on {ns} needs an 'index' field");
        var isIdIndex = index is BsonString { Value: IndexSpec.IdIndexName } || (index.IsBsonDocument && IndexSpec.Id.HasSameKey(KeyOnly(index.AsBsonDocument)));
        if (isIdIndex)
            throw new ReplicaException(ErrorCode.InvalidOptions, $"cannot drop _id index on {ns}");
        var indexes = Catalog.SecondaryIndexes(sql, ns.Full);
        var doomed = index switch
        {
            BsonString { Value: "*" } => indexes,
            BsonString name => indexes.Where(i => i.Name == name.Value),
            BsonDocument key => indexes.Where(i => i.HasSameKey(KeyOnly(key))),
            _ => throw new ReplicaException(ErrorCode.TypeMismatch, $"dropIndexes 'index' on {ns} must be a name or a key pattern, not {index.BsonType}"),
        };
        foreach (var spec in doomed.ToList()) changes.DropIndex(ns.Full, spec.Name, at);
    }

    private static IndexSpec KeyOnly(BsonDocument key) => new("", key, false);

    private static string DatabaseOf(string ns)
    {
        const string suffix = ".$cmd";
        if (!ns.EndsWith(suffix, StringComparison.Ordinal))
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"command oplog entry on '{ns}': commands are on 'db.$cmd'");
        var db = ns[..^suffix.Length];
        Namespace.ValidateDb(db);
        return db;
    }

    private static Namespace CollectionOf(string db, BsonDocument o, string command)
    {
        if (!o[command].IsString)
            throw new ReplicaException(ErrorCode.TypeMismatch, $"'{command}' in oplog command {o} must name a collection");
        var ns = new Namespace(db, o[command].AsString);
        ns.Validate();
        return ns;
    }
}
