using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Query;

namespace ReplicaActors.Storage.Commands;

/// <summary>The oplog entries a write command produced (already applied to the open batch) and its reply.</summary>
public sealed record WriteOutcome(BsonDocument Reply, IReadOnlyList<OplogEntry> Entries);

/// <summary>
/// Turns write commands into oplog entries, validating each against the store as it stands inside the
/// open batch (unique keys, document rules, sizes). Each statement runs under a savepoint: one that
/// fails is undone whole and reported as a write error, and nothing it half-did reaches the oplog.
/// </summary>
public sealed partial class WriteCommandExecutor(int maxDocumentBytes)
{
    public WriteOutcome Execute(CommandRequest request, StoreBatch batch, Func<OpTime> nextOpTime, DateTime now)
    {
        var run = new Run(batch, nextOpTime, now, request.Command.GetValue("writeId", BsonNull.Value) is { IsBsonNull: false } id ? id : null);
        var reply = request.Name switch
        {
            CommandCatalog.Insert => Insert(request, run),
            CommandCatalog.Update => Update(request, run),
            CommandCatalog.Delete => Delete(request, run),
            CommandCatalog.FindAndModify or CommandCatalog.FindAndModifyLowercase => FindAndModify(request, run),
            CommandCatalog.CreateIndexes => IndexCommands.Create(request, run),
            CommandCatalog.DropIndexes => IndexCommands.Drop(request, run),
            CommandCatalog.Drop => DropCollection(request, run),
            CommandCatalog.DropDatabase => DropDatabase(request, run),
            CommandCatalog.Create => CreateCollection(request, run),
            _ => throw new ReplicaException(ErrorCode.CommandNotFound, $"no such write command: '{request.Name}'"),
        };
        return new WriteOutcome(reply, run.Entries);
    }

    /// <summary>A no-op entry the member writes itself (a new primary's first entry in its term).</summary>
    public WriteOutcome Noop(BsonDocument message, StoreBatch batch, Func<OpTime> nextOpTime, DateTime now)
    {
        var run = new Run(batch, nextOpTime, now);
        run.Emit(OpType.Noop, "", message, null);
        return new WriteOutcome(new BsonDocument(), run.Entries);
    }

    private BsonDocument Insert(CommandRequest request, Run run)
    {
        var ns = CommandArgs.CollectionNamespace(request);
        var documents = CommandArgs.Array(request.Command, "documents");
        if (documents.Count == 0)
            throw new ReplicaException(ErrorCode.InvalidLength, "'insert' needs at least one document");
        var ordered = CommandArgs.Bool(request.Command, "ordered", true);
        var inserted = new BsonArray();
        var errors = new WriteErrors(ordered);
        for (var i = 0; i < documents.Count && errors.MayContinue; i++)
        {
            var index = i;
            errors.Try(index, run, () =>
            {
                if (!documents[index].IsBsonDocument)
                    throw new ReplicaException(ErrorCode.TypeMismatch, $"document {index} is a {documents[index].BsonType}, not a document");
                var document = WithIdFirst(documents[index].AsBsonDocument);
                CheckStorable(document);
                EnsureNewId(run.Batch, ns, document["_id"]);
                run.Emit(OpType.Insert, ns.Full, document, null);
                inserted.Add(document["_id"]);
            });
        }
        return errors.AddTo(new BsonDocument { { "n", inserted.Count }, { "insertedIds", inserted } });
    }

    private BsonDocument Update(CommandRequest request, Run run)
    {
        var ns = CommandArgs.CollectionNamespace(request);
        var statements = CommandArgs.Array(request.Command, "updates");
        var ordered = CommandArgs.Bool(request.Command, "ordered", true);
        long matched = 0, modified = 0;
        var upserted = new BsonArray();
        var errors = new WriteErrors(ordered);
        for (var i = 0; i < statements.Count && errors.MayContinue; i++)
        {
            var index = i;
            errors.Try(index, run, () =>
            {
                var statement = statements[index].IsBsonDocument ? statements[index].AsBsonDocument
                    : throw new ReplicaException(ErrorCode.TypeMismatch, $"update statement {index} is not a document");
                var filter = Filter.Compile(CommandArgs.Document(statement, "q", required: true));
                if (!statement.TryGetValue("u", out var u) || !u.IsBsonDocument)
                    throw new ReplicaException(ErrorCode.FailedToParse, $"update statement {index} needs 'u', an update or replacement document");
                var update = CompileUpdate(u.AsBsonDocument, statement);
                var multi = CommandArgs.Bool(statement, "multi", false);
                var upsert = CommandArgs.Bool(statement, "upsert", false);
                if (multi && update.IsReplacement)
                    throw new ReplicaException(ErrorCode.InvalidOptions, "multi: true needs update operators; a replacement document replaces one document");

                long n = 0, nModified = 0;
                foreach (var original in Matching(run.Batch, ns, filter, multi ? long.MaxValue : 1))
                {
                    n++;
                    var changed = update.Apply(original, run.Now, filter);
                    if (changed.Equals(original)) continue;
                    EmitUpdate(run, ns, original, changed);
                    nModified++;
                }
                if (n == 0 && upsert)
                {
                    var document = UpsertDocument(run, ns, filter, update);
                    run.Emit(OpType.Insert, ns.Full, document, null);
                    upserted.Add(new BsonDocument { { "index", index }, { "_id", document["_id"] } });
                    n = 1;
                }
                matched += n;
                modified += nModified;
            });
        }
        var reply = new BsonDocument { { "n", matched }, { "nModified", modified } };
        if (upserted.Count > 0) reply.Add("upserted", upserted);
        return errors.AddTo(reply);
    }

    private static BsonDocument Delete(CommandRequest request, Run run)
    {
        var ns = CommandArgs.CollectionNamespace(request);
        var statements = CommandArgs.Array(request.Command, "deletes");
        var ordered = CommandArgs.Bool(request.Command, "ordered", true);
        long deleted = 0;
        var errors = new WriteErrors(ordered);
        for (var i = 0; i < statements.Count && errors.MayContinue; i++)
        {
            var index = i;
            errors.Try(index, run, () =>
            {
                var statement = statements[index].IsBsonDocument ? statements[index].AsBsonDocument
                    : throw new ReplicaException(ErrorCode.TypeMismatch, $"delete statement {index} is not a document");
                var filter = Filter.Compile(CommandArgs.Document(statement, "q", required: true));
                var limit = CommandArgs.NonNegativeLong(statement, "limit", 0);
                if (limit > 1)
                    throw new ReplicaException(ErrorCode.BadValue, $"delete statement {index}: limit must be 0 (all matching) or 1, got {limit}");
                long n = 0;
                foreach (var document in Matching(run.Batch, ns, filter, limit == 1 ? 1 : long.MaxValue))
                {
                    run.Emit(OpType.Delete, ns.Full, new BsonDocument("_id", document["_id"]), null);
                    n++;
                }
                deleted += n;
            });
        }
        return errors.AddTo(new BsonDocument("n", deleted));
    }

    private static BsonDocument DropCollection(CommandRequest request, Run run)
    {
        var ns = CommandArgs.CollectionNamespace(request);
        if (!run.Batch.CollectionExists(ns))
            throw new ReplicaException(ErrorCode.NamespaceNotFound, $"ns not found: {ns} does not exist");
        var indexCount = run.Batch.GetIndexes(ns).Count;
        run.Emit(OpType.Command, $"{ns.Db}.$cmd", new BsonDocument("drop", ns.Collection), null);
        return new BsonDocument { { "ns", ns.Full }, { "nIndexesWas", indexCount } };
    }

    private static BsonDocument DropDatabase(CommandRequest request, Run run)
    {
        Namespace.ValidateDb(request.Db);
        if (request.Db is "admin" or "local" or "config")
            throw new ReplicaException(ErrorCode.IllegalOperation, $"cannot drop the '{request.Db}' database");
        run.Emit(OpType.Command, $"{request.Db}.$cmd", new BsonDocument("dropDatabase", 1), null);
        return new BsonDocument("dropped", request.Db);
    }

    private static BsonDocument CreateCollection(CommandRequest request, Run run)
    {
        var ns = CommandArgs.CollectionNamespace(request);
        if (run.Batch.CollectionExists(ns))
            throw new ReplicaException(ErrorCode.NamespaceExists, $"collection {ns} already exists");
        run.Emit(OpType.Command, $"{ns.Db}.$cmd", new BsonDocument("create", ns.Collection), null);
        return new BsonDocument();
    }

    /// <summary>The documents a filter selects, read before any is changed (a write must not see its own effects).</summary>
    internal static List<BsonDocument> Matching(StoreBatch batch, Namespace ns, Filter filter, long limit)
    {
        if (filter.IdEquality is { } id)
        {
            var byId = batch.FindById(ns, id);
            return byId is not null && filter.Matches(byId) ? [byId] : [];
        }
        var result = new List<BsonDocument>();
        foreach (var document in batch.Scan(ns))
        {
            if (!filter.Matches(document)) continue;
            result.Add(document);
            if (result.Count >= limit) break;
        }
        return result;
    }

    /// <summary>The update of a statement (or a findAndModify) with its <c>arrayFilters</c>, which its <c>$[identifier]</c> paths use.</summary>
    private static Query.Update CompileUpdate(BsonDocument update, BsonDocument holder)
    {
        if (!holder.TryGetValue("arrayFilters", out var value) || value.IsBsonNull) return Query.Update.Compile(update);
        var filters = value as BsonArray ?? throw new ReplicaException(ErrorCode.TypeMismatch, $"'arrayFilters' must be an array, got {value.BsonType}");
        return Query.Update.Compile(update, filters);
    }

    /// <summary>Logs <paramref name="changed"/> as the new version of <paramref name="original"/>, once it passes the document rules.</summary>
    private void EmitUpdate(Run run, Namespace ns, BsonDocument original, BsonDocument changed, BsonDocument? retryReply = null)
    {
        CheckStorable(changed);
        run.Emit(OpType.Update, ns.Full, changed, original["_id"], retryReply);
    }

    /// <summary>The document an upsert inserts when nothing matched, checked against the document rules and the <c>_id</c> index.</summary>
    private BsonDocument UpsertDocument(Run run, Namespace ns, Filter filter, Query.Update update)
    {
        var document = WithIdFirst(update.ApplyUpsert(filter, run.Now));
        CheckStorable(document);
        EnsureNewId(run.Batch, ns, document["_id"]);
        return document;
    }

    private void CheckStorable(BsonDocument document)
    {
        DocumentRules.ValidateForStorage(document);
        var size = document.ToBson().Length;
        if (size > maxDocumentBytes)
            throw new ReplicaException(ErrorCode.BsonObjectTooLarge, $"document with _id {document["_id"]} is {size} bytes; the limit is {maxDocumentBytes}");
    }

    private static void EnsureNewId(StoreBatch batch, Namespace ns, BsonValue id)
    {
        if (batch.FindById(ns, id) is not null)
            throw DuplicateKeyError.Create(ns.Full, IndexSpec.IdIndexName, ["_id"], [id]);
    }

    /// <summary>MongoDB keeps <c>_id</c> as the first field and generates an ObjectId when it is missing.</summary>
    private static BsonDocument WithIdFirst(BsonDocument document)
    {
        if (document.ElementCount > 0 && document.GetElement(0).Name == "_id") return document;
        var result = new BsonDocument("_id", document.TryGetValue("_id", out var id) ? id : ObjectId.GenerateNewId());
        foreach (var element in document)
            if (element.Name != "_id") result.Add(element);
        return result;
    }

    /// <summary>One command's progress inside the open batch: the entries it emitted so far.</summary>
    internal sealed class Run(StoreBatch batch, Func<OpTime> nextOpTime, DateTime now, BsonValue? writeId = null)
    {
        public StoreBatch Batch { get; } = batch;
        public DateTime Now { get; } = now;
        public List<OplogEntry> Entries { get; } = [];

        /// <param name="retryReply">What a retry must be answered with, when the entry alone cannot say; kept only for a write with an id (nothing else is retried).</param>
        public void Emit(OpType op, string ns, BsonDocument o, BsonValue? o2, BsonDocument? retryReply = null)
        {
            var entry = new OplogEntry(nextOpTime(), new DateTimeOffset(Now).ToUnixTimeMilliseconds(), op, ns, o, o2, writeId, writeId is null ? null : retryReply);
            Batch.Write(entry);
            Entries.Add(entry);
        }
    }

    /// <summary>Collects per-statement errors; an ordered command stops at the first.</summary>
    private sealed class WriteErrors(bool ordered)
    {
        private readonly BsonArray _errors = [];

        public bool MayContinue => !ordered || _errors.Count == 0;

        public void Try(int index, Run run, Action statement)
        {
            var emitted = run.Entries.Count;
            using var savepoint = run.Batch.Savepoint();
            try
            {
                statement();
                savepoint.Release();
            }
            catch (ReplicaException e)
            {
                // The savepoint's dispose undoes the statement in storage; forget its entries too.
                run.Entries.RemoveRange(emitted, run.Entries.Count - emitted);
                _errors.Add(new BsonDocument { { "index", index }, { "code", (int)e.Code }, { "codeName", e.CodeName }, { "errmsg", e.Message } });
            }
        }

        public BsonDocument AddTo(BsonDocument reply)
        {
            if (_errors.Count > 0) reply.Add("writeErrors", _errors);
            return reply;
        }
    }
}
