using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// A compiled update: a replacement document, or update operators. Applying never mutates its input;
/// it returns the new document or throws, so nothing half-applied can be stored.
/// </summary>
public sealed class Update
{
    private static readonly IComparer<string> PathOrder = Comparer<string>.Create((a, b) =>
        FieldPath.Split(a).Zip(FieldPath.Split(b), string.CompareOrdinal).FirstOrDefault(c => c != 0) is var byPart and not 0
            ? byPart
            : a.Count(c => c == '.').CompareTo(b.Count(c => c == '.')));

    private readonly BsonDocument? replacement;
    private readonly IReadOnlyList<UpdateOperation> operations;

    private Update(BsonDocument? replacement, IReadOnlyList<UpdateOperation> operations)
    {
        this.replacement = replacement;
        this.operations = operations;
    }

    public bool IsReplacement => replacement is not null;

    public static Update Compile(BsonDocument update)
    {
        if (update.ElementCount == 0)
        {
            throw new ReplicaException(ErrorCode.FailedToParse, "update document is empty");
        }

        if (update.GetElement(0).Name.StartsWith('$'))
        {
            // MongoDB applies operators in path order, which is also the order new fields are created in.
            var ordered = UpdateParser.Parse(update).OrderBy(o => o.Path, PathOrder).ToList();
            return new Update(null, ordered);
        }

        if (update.Names.FirstOrDefault(n => n.StartsWith('$')) is { } op)
        {
            throw new ReplicaException(ErrorCode.FailedToParse, $"replacement document mixes plain fields and the operator {op}");
        }

        DocumentRules.ValidateForStorage(update);
        return new Update(update.DeepClone().AsBsonDocument, []);
    }

    public BsonDocument Apply(BsonDocument original, DateTime now)
    {
        if (replacement is not null)
        {
            return Replace(original.GetValue("_id", null), replacement);
        }

        return ApplyOperations(original, new UpdateContext(now, IsInsert: false));
    }

    /// <summary>
    /// The document an upsert inserts when nothing matched: the filter's equality fields, then the update
    /// (with <c>$setOnInsert</c>). A replacement takes the filter's <c>_id</c> if it pins one. <c>_id</c> comes
    /// first; when there is none, the caller generates it.
    /// </summary>
    public BsonDocument ApplyUpsert(Filter filter, DateTime now)
    {
        if (replacement is not null)
        {
            return Replace(filter.IdEquality, replacement);
        }

        var seed = new BsonDocument();
        foreach (var (path, value) in filter.EqualityFields)
        {
            DocumentWriter.Write(seed, path, value.DeepClone());
        }

        return IdFirst(ApplyOperations(seed, new UpdateContext(now, IsInsert: true)));
    }

    private BsonDocument ApplyOperations(BsonDocument original, UpdateContext context)
    {
        var result = original.DeepClone().AsBsonDocument;
        foreach (var operation in operations)
        {
            operation.Apply(result, context);
        }

        if (original.TryGetValue("_id", out var id) && !(result.TryGetValue("_id", out var after) && after.Equals(id)))
        {
            throw new ReplicaException(ErrorCode.ImmutableField, "performing an update on the path '_id' would modify the immutable field '_id'");
        }

        return result;
    }

    private static BsonDocument Replace(BsonValue? id, BsonDocument replacement)
    {
        if (id is not null && replacement.TryGetValue("_id", out var replacementId) && !replacementId.Equals(id))
        {
            throw new ReplicaException(ErrorCode.ImmutableField, $"the replacement's _id {replacementId} differs from the document's _id {id}");
        }

        var result = replacement.DeepClone().AsBsonDocument;
        if (id is not null)
        {
            result.Set("_id", id.DeepClone());
        }

        return IdFirst(result);
    }

    private static BsonDocument IdFirst(BsonDocument document)
    {
        if (!document.TryGetValue("_id", out var id) || document.GetElement(0).Name == "_id")
        {
            return document;
        }

        document.Remove("_id");
        document.InsertAt(0, new BsonElement("_id", id));
        return document;
    }
}
