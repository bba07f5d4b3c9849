using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Storage.Commands;

public sealed partial class WriteCommandExecutor
{
    /// <summary>
    /// <c>findAndModify</c> as one write: the first match in <c>sort</c> order is chosen, changed (updated, replaced or
    /// removed; inserted with <c>upsert</c> when nothing matched) and returned as it was before or (<c>new</c>) after, all
    /// in the open batch, where writes run one at a time, so no other write comes between the choice, the change and the
    /// value. With a write id, the entry carries the reply, so a retry on any member holding the entry gets the same value.
    /// A change that changes nothing logs no entry; such a call is answered again from the member that ran it only.
    /// </summary>
    private BsonDocument FindAndModify(CommandRequest request, Run run)
    {
        var ns = CommandArgs.CollectionNamespace(request);
        var command = request.Command;
        var filter = Filter.Compile(CommandArgs.Document(command, "query"));
        var sort = command.Contains("sort") ? SortSpec.Compile(CommandArgs.Document(command, "sort")) : null;
        var projection = CommandArgs.Document(command, "fields") is { ElementCount: > 0 } fields ? Projection.Compile(fields) : null;
        var remove = CommandArgs.Bool(command, "remove", false);
        var returnNew = CommandArgs.Bool(command, "new", false);
        var upsert = CommandArgs.Bool(command, "upsert", false);
        var update = FindAndModifyUpdate(command, remove);
        if (remove && (returnNew || upsert))
            throw new ReplicaException(ErrorCode.FailedToParse, "'findAndModify' with 'remove: true' takes neither 'new: true' nor 'upsert: true'");

        var original = First(run.Batch, ns, filter, sort);
        if (original is null)
        {
            if (remove) return FindAndModifyReply(null, new BsonDocument("n", 0));
            if (!upsert) return FindAndModifyReply(null, new BsonDocument { { "n", 0 }, { "updatedExisting", false } });
            var document = UpsertDocument(run, ns, filter, update!);
            var inserted = FindAndModifyReply(returnNew ? Projected(document, projection) : null,
                new BsonDocument { { "n", 1 }, { "updatedExisting", false }, { "upserted", document["_id"] } });
            run.Emit(OpType.Insert, ns.Full, document, null, inserted);
            return inserted;
        }
        if (remove)
        {
            var removed = FindAndModifyReply(Projected(original, projection), new BsonDocument("n", 1));
            run.Emit(OpType.Delete, ns.Full, new BsonDocument("_id", original["_id"]), null, removed);
            return removed;
        }
        var changed = update!.Apply(original, run.Now, filter);
        var updated = FindAndModifyReply(Projected(returnNew ? changed : original, projection), new BsonDocument { { "n", 1 }, { "updatedExisting", true } });
        if (!changed.Equals(original)) EmitUpdate(run, ns, original, changed, updated);
        return updated;
    }

    /// <summary>The update or replacement, null for a remove; exactly one of the two is given.</summary>
    private static Query.Update? FindAndModifyUpdate(BsonDocument command, bool remove)
    {
        var hasUpdate = command.TryGetValue("update", out var update) && !update.IsBsonNull;
        if (remove == hasUpdate)
            throw new ReplicaException(ErrorCode.FailedToParse, "'findAndModify' needs exactly one of 'remove: true' and 'update'");
        if (!hasUpdate) return null;
        return update switch
        {
            BsonDocument document => CompileUpdate(document, command),
            BsonArray => throw new ReplicaException(ErrorCode.CommandNotSupported, "'findAndModify' takes an update or replacement document (update pipelines are not supported)"),
            _ => throw new ReplicaException(ErrorCode.TypeMismatch, $"'update' must be a document, got {update.BsonType}"),
        };
    }

    /// <summary>The first document the filter selects, in <paramref name="sort"/> order when given (else in the order a scan meets them).</summary>
    private static BsonDocument? First(StoreBatch batch, Namespace ns, Filter filter, SortSpec? sort) =>
        sort is null
            ? Matching(batch, ns, filter, 1).FirstOrDefault()
            : Matching(batch, ns, filter, long.MaxValue).OrderBy(d => d, sort).FirstOrDefault();

    private static BsonDocument Projected(BsonDocument document, Projection? projection) => projection?.Apply(document) ?? document;

    private static BsonDocument FindAndModifyReply(BsonDocument? value, BsonDocument lastErrorObject) =>
        new() { { "lastErrorObject", lastErrorObject }, { "value", (BsonValue?)value ?? BsonNull.Value } };
}
