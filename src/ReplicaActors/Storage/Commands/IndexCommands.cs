using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Commands;

/// <summary>createIndexes and dropIndexes: validated here, logged as one command entry, built by the store when applied.</summary>
internal static class IndexCommands
{
    public static BsonDocument Create(CommandRequest request, WriteCommandExecutor.Run run)
    {
        var ns = CommandArgs.CollectionNamespace(request);
        var specs = CommandArgs.Array(request.Command, "indexes");
        if (specs.Count == 0)
            throw new ReplicaException(ErrorCode.BadValue, "'createIndexes' needs at least one index in 'indexes'");

        var collectionExisted = run.Batch.CollectionExists(ns);
        var existing = collectionExisted ? run.Batch.GetIndexes(ns) : [];
        var before = collectionExisted ? existing.Count : 1;
        var toCreate = new BsonArray();
        foreach (var value in specs)
        {
            var spec = Normalise(value);
            var (name, key, unique) = (spec.Name, spec.Key, spec.Unique);
            var sameName = existing.FirstOrDefault(i => i.Name == name);
            if (sameName is not null)
            {
                if (!sameName.HasSameKey(spec))
                    throw new ReplicaException(ErrorCode.IndexKeySpecsConflict, $"an index named '{name}' already exists on {ns} with key {sameName.Key.ToJson()}, not {key.ToJson()}");
                if (sameName.Unique != unique)
                    throw new ReplicaException(ErrorCode.IndexOptionsConflict, $"index '{name}' already exists on {ns} with unique: {sameName.Unique.ToString().ToLowerInvariant()}");
                continue;
            }
            var sameKey = existing.FirstOrDefault(i => i.HasSameKey(spec));
            if (sameKey is not null)
                throw new ReplicaException(ErrorCode.IndexOptionsConflict, $"index with key {key.ToJson()} already exists on {ns} with a different name: '{sameKey.Name}'");
            if (toCreate.Any(s => s["name"] == name))
                throw new ReplicaException(ErrorCode.IndexKeySpecsConflict, $"index name '{name}' is given twice");
            toCreate.Add(spec.ToBson());
        }

        if (toCreate.Count > 0)
            run.Emit(OpType.Command, $"{ns.Db}.$cmd", new BsonDocument { { "createIndexes", ns.Collection }, { "indexes", toCreate } }, null);
        var reply = new BsonDocument
        {
            { "numIndexesBefore", before },
            { "numIndexesAfter", before + toCreate.Count },
            { "createdCollectionAutomatically", !collectionExisted },
        };
        if (toCreate.Count == 0) reply.Add("note", "all indexes already exist");
        return reply;
    }

    public static BsonDocument Drop(CommandRequest request, WriteCommandExecutor.Run run)
    {
        var ns = CommandArgs.CollectionNamespace(request);
        if (!run.Batch.CollectionExists(ns))
            throw new ReplicaException(ErrorCode.NamespaceNotFound, $"ns not found: {ns} does not exist");
        var existing = run.Batch.GetIndexes(ns);
        if (!request.Command.TryGetValue("index", out var which))
            throw new ReplicaException(ErrorCode.FailedToParse, "'dropIndexes' needs 'index': an index name or key pattern");
        var index = which.BsonType switch
        {
            BsonType.String => existing.FirstOrDefault(i => i.Name == which.AsString)
                ?? throw new ReplicaException(ErrorCode.IndexNotFound, $"index not found with name [{which.AsString}] on {ns}"),
            BsonType.Document => existing.FirstOrDefault(i => i.Key.Equals(which.AsBsonDocument))
                ?? throw new ReplicaException(ErrorCode.IndexNotFound, $"can't find index with key {which.ToJson()} on {ns}"),
            _ => throw new ReplicaException(ErrorCode.TypeMismatch, $"'index' must be a name or a key pattern, got {which.BsonType}"),
        };
        if (index.Name == IndexSpec.IdIndexName)
            throw new ReplicaException(ErrorCode.InvalidOptions, "cannot drop the _id index");
        run.Emit(OpType.Command, $"{ns.Db}.$cmd", new BsonDocument { { "dropIndexes", ns.Collection }, { "index", index.Name } }, null);
        return new BsonDocument("nIndexesWas", existing.Count);
    }

    /// <summary>
    /// Checks a requested index spec beyond what the store accepts: only ascending/descending keys
    /// (the store builds no hashed, text or geo indexes) and no options it would silently ignore.
    /// </summary>
    private static IndexSpec Normalise(BsonValue value)
    {
        var spec = IndexSpec.Parse(value);
        foreach (var field in spec.Key)
            if (!field.Value.IsNumeric || Math.Abs(field.Value.ToDouble()) != 1)
                throw new ReplicaException(ErrorCode.CannotCreateIndex, $"bad index key pattern {spec.Key.ToJson()}: field '{field.Name}' must be 1 or -1");
        if (spec.Name == IndexSpec.IdIndexName && !spec.HasSameKey(IndexSpec.Id))
            throw new ReplicaException(ErrorCode.CannotCreateIndex, "the name '_id_' is reserved for the _id index");
        foreach (var option in value.AsBsonDocument.Names.Except(["key", "name", "unique", "v"]))
            throw new ReplicaException(ErrorCode.InvalidOptions, $"index option '{option}' is not supported (supported: key, name, unique)");
        return spec;
    }
}
