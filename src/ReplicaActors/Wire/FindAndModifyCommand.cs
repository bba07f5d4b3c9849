using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// <c>findAndModify</c> composed from the member's own commands on the primary: find the first match (in
/// <c>sort</c> order), then update or delete it by <c>_id</c> while it still matches the query, retrying when a
/// concurrent write took it first; the value returned is the document before, or (<c>new</c>) after, the change.
/// A retryable findAndModify keeps its write id on the update or delete, so a retry never changes the document twice.
/// </summary>
public sealed class FindAndModifyCommand(MemberChannel member)
{
    private const int Attempts = 5;
    private static readonly string[] WriteOptions = ["writeConcern", "writeId"];

    public async Task<BsonDocument> RunAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var command = request.ForMember();
        if (!command[0].IsString) throw new ReplicaException(ErrorCode.InvalidNamespace, "'findAndModify' needs a collection name");
        var collection = command[0].AsString;
        var query = Document(command, "query");
        var remove = command.GetValue("remove", false).ToBoolean();
        var returnNew = command.GetValue("new", false).ToBoolean();
        var upsert = command.GetValue("upsert", false).ToBoolean();
        var hasUpdate = command.TryGetValue("update", out var update) && !update.IsBsonNull;
        if (remove == hasUpdate)
            throw new ReplicaException(ErrorCode.FailedToParse, "'findAndModify' needs exactly one of 'remove: true' and 'update'");
        if (remove && (returnNew || upsert))
            throw new ReplicaException(ErrorCode.FailedToParse, "'findAndModify' with 'remove' takes neither 'new' nor 'upsert'");
        if (hasUpdate && !update!.IsBsonDocument)
            throw new ReplicaException(ErrorCode.CommandNotSupported, "'findAndModify' takes an update or replacement document (update pipelines are not supported)");
        var (projection, dropId) = Projection(command);

        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var found = await FindOneAsync(request.Db, collection, query, command.GetValue("sort", BsonNull.Value), projection, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                if (!upsert) return Reply(null, new BsonDocument { { "n", 0 }, { "updatedExisting", false } });
                var upserted = await WriteAsync(request.Db, command, new BsonDocument
                {
                    { "update", collection },
                    { "updates", new BsonArray { Statement(command, query, update!, upsert: true) } },
                }, cancellationToken).ConfigureAwait(false);
                if (upserted.GetValue("n", 0).ToInt64() == 0) continue;
                var id = upserted.TryGetValue("upserted", out var list) && list.AsBsonArray.Count > 0 ? list[0]["_id"] : null;
                var inserted = returnNew && id is not null ? await ByIdAsync(request.Db, collection, id, projection, dropId, cancellationToken).ConfigureAwait(false) : null;
                var lastError = new BsonDocument { { "n", 1 }, { "updatedExisting", false } };
                if (id is not null) lastError.Add("upserted", id);
                return Reply(inserted, lastError);
            }

            var stillMatching = new BsonDocument("$and", new BsonArray { query, new BsonDocument("_id", found["_id"]) });
            var write = remove
                ? new BsonDocument { { "delete", collection }, { "deletes", new BsonArray { new BsonDocument { { "q", stillMatching }, { "limit", 1 } } } } }
                : new BsonDocument { { "update", collection }, { "updates", new BsonArray { Statement(command, stillMatching, update!, upsert: false) } } };
            var outcome = await WriteAsync(request.Db, command, write, cancellationToken).ConfigureAwait(false);
            // Nothing matched any more: another write changed or removed the document in between; look again.
            if (outcome.GetValue("n", 0).ToInt64() == 0 && !outcome.Contains("retriedWrite")) continue;
            var value = remove || !returnNew
                ? WithoutIdIf(found, dropId)
                : await ByIdAsync(request.Db, collection, found["_id"], projection, dropId, cancellationToken).ConfigureAwait(false);
            var result = remove ? new BsonDocument("n", 1) : new BsonDocument { { "n", 1 }, { "updatedExisting", true } };
            return Reply(value, result);
        }
        throw new ReplicaException(ErrorCode.WriteConflict, $"findAndModify: the matching document kept changing under {Attempts} attempts; try again");
    }

    private static BsonDocument Statement(BsonDocument command, BsonDocument q, BsonValue update, bool upsert)
    {
        var statement = new BsonDocument { { "q", q }, { "u", update }, { "upsert", upsert } };
        if (command.TryGetValue("arrayFilters", out var filters)) statement["arrayFilters"] = filters;
        return statement;
    }

    /// <summary>A write on the primary, with the findAndModify's write concern and write id; a write error is the command's error.</summary>
    private async Task<BsonDocument> WriteAsync(string db, BsonDocument command, BsonDocument write, CancellationToken cancellationToken)
    {
        foreach (var field in WriteOptions)
            if (command.TryGetValue(field, out var value)) write[field] = value;
        var reply = await member.RunAsync(db, write, cancellationToken).ConfigureAwait(false);
        if (reply.TryGetValue("writeErrors", out var errors) && errors.AsBsonArray.Count > 0)
        {
            var error = errors[0].AsBsonDocument;
            throw new ReplicaException((ErrorCode)error["code"].ToInt32(), error["errmsg"].AsString);
        }
        if (reply.TryGetValue("writeConcernError", out var concern))
            throw new ReplicaException((ErrorCode)concern["code"].ToInt32(), concern["errmsg"].AsString);
        return reply;
    }

    /// <summary>The first match on the primary, as the caller's projection shows it: a findAndModify is a write, so a secondary's refusal says "not primary".</summary>
    private async Task<BsonDocument?> FindOneAsync(string db, string collection, BsonDocument filter, BsonValue sort, BsonDocument? projection, CancellationToken cancellationToken)
    {
        var find = new BsonDocument { { "find", collection }, { "filter", filter }, { "limit", 1 } };
        if (!sort.IsBsonNull) find["sort"] = sort;
        if (projection is not null) find["projection"] = projection;
        var reply = await member.AskAsync(db, find, cancellationToken).ConfigureAwait(false);
        if (!WireErrors.IsOk(reply) && reply.GetValue("code", 0).ToInt32() == (int)ErrorCode.NotPrimaryNoSecondaryOk)
            throw new ReplicaException(ErrorCode.NotWritablePrimary, "not primary: findAndModify is a write");
        var batch = new CommandReply(reply).EnsureOk()["cursor"]["firstBatch"].AsBsonArray;
        return batch.Count > 0 ? batch[0].AsBsonDocument : null;
    }

    private async Task<BsonDocument?> ByIdAsync(string db, string collection, BsonValue id, BsonDocument? projection, bool dropId, CancellationToken cancellationToken)
    {
        var document = await FindOneAsync(db, collection, new BsonDocument("_id", id), BsonNull.Value, projection, cancellationToken).ConfigureAwait(false);
        return document is null ? null : WithoutIdIf(document, dropId);
    }

    private static BsonDocument WithoutIdIf(BsonDocument document, bool dropId)
    {
        if (dropId) document.Remove("_id");
        return document;
    }

    /// <summary>
    /// The caller's <c>fields</c>, with <c>_id</c> kept so the document can be found again; <c>_id: 0</c> is honoured
    /// by removing it from the value at the end.
    /// </summary>
    private static (BsonDocument? Projection, bool DropId) Projection(BsonDocument command)
    {
        if (!command.TryGetValue("fields", out var fields) || fields is not BsonDocument { ElementCount: > 0 } given) return (null, false);
        var projection = new BsonDocument(given);
        var dropId = projection.TryGetValue("_id", out var id) && id.IsNumeric && id.ToDouble() == 0 || id is BsonBoolean { Value: false };
        projection.Remove("_id");
        return (projection.ElementCount > 0 ? projection : null, dropId);
    }

    private static BsonDocument Document(BsonDocument command, string field) =>
        !command.TryGetValue(field, out var value) || value.IsBsonNull ? new BsonDocument()
        : value as BsonDocument ?? throw new ReplicaException(ErrorCode.TypeMismatch, $"'{field}' must be a document, got {value.BsonType}");

    private static BsonDocument Reply(BsonDocument? value, BsonDocument lastErrorObject) =>
        CommandReply.Success(new BsonDocument { { "lastErrorObject", lastErrorObject }, { "value", (BsonValue?)value ?? BsonNull.Value } }).Body;
}
