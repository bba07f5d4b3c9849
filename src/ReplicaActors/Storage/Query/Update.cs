using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// A compiled update: a replacement document, or update operators. Applying never mutates its input;
/// it returns the new document or throws, so nothing half-applied can be stored.
/// </summary>
public sealed class Update
{
    private readonly BsonDocument? replacement;
    private readonly IReadOnlyList<UpdateOperation> operations;
    private readonly ArrayFilters arrayFilters;
    private readonly bool isPositional;
    private readonly bool readsMatchedPosition;

    private Update(BsonDocument? replacement, IReadOnlyList<UpdateOperation> operations, ArrayFilters arrayFilters)
    {
        this.replacement = replacement;
        this.operations = operations;
        this.arrayFilters = arrayFilters;
        isPositional = operations.Any(o => PositionalPath.IsPositional(o.Path));
        readsMatchedPosition = operations.Any(o => PositionalPath.HasMatchedPart(o.Path));
    }

    public bool IsReplacement => replacement is not null;

    /// <param name="arrayFilters">The statement's <c>arrayFilters</c>: each must be used by a <c>$[identifier]</c> path.</param>
    public static Update Compile(BsonDocument update, BsonArray? arrayFilters = null)
    {
        if (update.ElementCount == 0)
        {
            throw new ReplicaException(ErrorCode.FailedToParse, "update document is empty");
        }

        var filters = ArrayFilters.Compile(arrayFilters);
        var compiled = update.GetElement(0).Name.StartsWith('$')
            // MongoDB applies operators in path order, which is also the order new fields are created in.
            ? new Update(null, UpdateParser.Parse(update, filters).OrderBy(o => o.Path, PathOverlap.PartOrder).ToList(), filters)
            : new Update(Replacement(update), [], filters);
        var used = compiled.operations.SelectMany(o => PositionalPath.Identifiers(o.Path)).ToHashSet();
        if (filters.Identifiers.FirstOrDefault(id => !used.Contains(id)) is { } unused)
        {
            throw new ReplicaException(ErrorCode.FailedToParse, $"The array filter for identifier '{unused}' was not used in the update {update}");
        }

        return compiled;
    }

    /// <param name="query">The filter that selected <paramref name="original"/>: where a positional <c>$</c> takes its array position.</param>
    public BsonDocument Apply(BsonDocument original, DateTime now, Filter? query = null)
    {
        if (replacement is not null)
        {
            return Replace(original.GetValue("_id", null), replacement);
        }

        return ApplyOperations(original, new UpdateContext(now, IsInsert: false), query);
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

        // No stored document matched, so a positional $ has no position to take and is refused, as mongod refuses it.
        return IdFirst(ApplyOperations(seed, new UpdateContext(now, IsInsert: true), query: null));
    }

    private static BsonDocument Replacement(BsonDocument update)
    {
        if (update.Names.FirstOrDefault(n => n.StartsWith('$')) is { } op)
        {
            throw new ReplicaException(ErrorCode.FailedToParse, $"replacement document mixes plain fields and the operator {op}");
        }

        DocumentRules.ValidateForStorage(update);
        return update.DeepClone().AsBsonDocument;
    }

    private BsonDocument ApplyOperations(BsonDocument original, UpdateContext context, Filter? query)
    {
        var result = original.DeepClone().AsBsonDocument;
        foreach (var operation in isPositional ? Resolved(original, query) : operations)
        {
            operation.Apply(result, context);
        }

        if (original.TryGetValue("_id", out var id) && !(result.TryGetValue("_id", out var after) && after.Equals(id)))
        {
            throw new ReplicaException(ErrorCode.ImmutableField, "performing an update on the path '_id' would modify the immutable field '_id'");
        }

        return result;
    }

    /// <summary>
    /// The operations with their positional paths made concrete for this document, each once per path it stands for,
    /// in path order; two that reach the same place (<c>a.$[i]</c> and <c>a.$[j]</c> on one element) are refused.
    /// </summary>
    private List<UpdateOperation> Resolved(BsonDocument original, Filter? query)
    {
        var matched = readsMatchedPosition ? query?.PositionalIndex(original) : null;
        var resolved = operations
            .SelectMany(o => PositionalPath.Expand(o.Path, original, matched, arrayFilters).Select(path => o with { Path = path }))
            .OrderBy(o => o.Path, PathOverlap.PartOrder)
            .ToList();
        if (PathOverlap.FindAny(resolved.SelectMany(o => o.Paths)) is var (at, _))
        {
            throw new ReplicaException(ErrorCode.ConflictingUpdateOperators, $"Update created a conflict at '{at}'");
        }

        return resolved;
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
