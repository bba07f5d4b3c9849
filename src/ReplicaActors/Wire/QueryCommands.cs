using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// Reads that hand out cursors: <c>find</c>, <c>aggregate</c> (see <see cref="Pipeline"/>), and their <c>getMore</c>
/// and <c>killCursors</c>; plus <c>distinct</c>. The member answers a read whole; the batches are cut here.
/// </summary>
public sealed class QueryCommands(MemberChannel member, CursorRegistry cursors, ChangeStreamCommands changeStreams)
{
    /// <summary>Fields of an aggregate a find or count on the member keeps: where and how to read.</summary>
    private static readonly string[] ReadOptions = ["readConcern", "$readPreference"];

    public async Task<BsonDocument> FindAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var command = request.ForMember();
        var batchSize = BatchSize(command, command);
        var singleBatch = command.GetValue("singleBatch", false).ToBoolean();
        command.Remove("batchSize");
        command.Remove("singleBatch");
        if (command.TryGetValue("limit", out var limit) && limit.IsNumeric && limit.ToInt64() < 0)
        {
            // A negative limit is the legacy spelling of "this many, in one batch".
            command["limit"] = -limit.ToInt64();
            singleBatch = true;
        }
        var reply = await member.AskAsync(request.Db, command, cancellationToken).ConfigureAwait(false);
        if (!WireErrors.IsOk(reply)) return reply;
        var cursor = reply["cursor"].AsBsonDocument;
        return Cursor(cursors.Open(cursor["ns"].AsString, cursor["firstBatch"].AsBsonArray.Values.ToList(), batchSize, singleBatch, DateTime.UtcNow));
    }

    public async Task<BsonDocument> AggregateAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var command = request.ForMember();
        if (!command[0].IsString)
            throw new ReplicaException(ErrorCode.Location40324, "database-level aggregation ({aggregate: 1}, $currentOp, ...) is not supported by ReplicaActors");
        if (command.GetValue("explain", false).ToBoolean())
            throw new ReplicaException(ErrorCode.CommandNotSupported, "explain is not supported by ReplicaActors");
        if (!command.TryGetValue("pipeline", out var stages) || !stages.IsBsonArray)
            throw new ReplicaException(ErrorCode.TypeMismatch, "'aggregate' needs 'pipeline', an array of stages");
        var cursorSpec = command.TryGetValue("cursor", out var c) && c is BsonDocument spec ? spec : new BsonDocument();
        var batchSize = BatchSize(cursorSpec, command);
        var collection = command[0].AsString;
        var pipeline = Pipeline.Plan(stages.AsBsonArray);

        IReadOnlyList<BsonDocument> results;
        if (pipeline.IsCount)
        {
            var count = new BsonDocument { { "count", collection }, { "query", pipeline.Find.GetValue("filter", new BsonDocument()) } };
            foreach (var field in new[] { "skip", "limit" })
                if (pipeline.Find.TryGetValue(field, out var value)) count[field] = value;
            CopyReadOptions(command, count);
            var reply = await member.RunAsync(request.Db, count, cancellationToken).ConfigureAwait(false);
            results = pipeline.CountResult(reply["n"].ToInt64());
        }
        else
        {
            var find = new BsonDocument("find", collection).Merge(pipeline.Find);
            CopyReadOptions(command, find);
            var reply = await member.RunAsync(request.Db, find, cancellationToken).ConfigureAwait(false);
            results = pipeline.Run(reply["cursor"]["firstBatch"].AsBsonArray.Select(d => d.AsBsonDocument).ToList());
        }
        return Cursor(cursors.Open($"{request.Db}.{collection}", results.Cast<BsonValue>().ToList(), batchSize, singleBatch: false, DateTime.UtcNow));
    }

    public async Task<BsonDocument> DistinctAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var command = request.ForMember();
        if (!command[0].IsString) throw new ReplicaException(ErrorCode.InvalidNamespace, "'distinct' needs a collection name");
        if (!command.TryGetValue("key", out var key) || !key.IsString || key.AsString.Length == 0)
            throw new ReplicaException(ErrorCode.TypeMismatch, "'distinct' needs 'key', a field path");
        var find = new BsonDocument
        {
            { "find", command[0] },
            { "filter", command.GetValue("query", new BsonDocument()) is { IsBsonNull: false } q ? q : new BsonDocument() },
            { "projection", new BsonDocument(key.AsString, 1) },
        };
        CopyReadOptions(command, find);
        var reply = await member.RunAsync(request.Db, find, cancellationToken).ConfigureAwait(false);
        var values = new List<BsonValue>();
        var seen = new HashSet<BsonValue>();
        foreach (var document in reply["cursor"]["firstBatch"].AsBsonArray)
        {
            var value = Pipeline.Expression.Path(document.AsBsonDocument, key.AsString);
            // An array contributes its elements, as in MongoDB.
            foreach (var item in value is BsonArray array ? array.Values : value is null ? [] : [value])
                if (seen.Add(item)) values.Add(item);
        }
        return CommandReply.Success(new BsonDocument("values", new BsonArray(values))).Body;
    }

    public BsonDocument GetMore(WireRequest request)
    {
        var command = request.Command;
        if (command[0] is not BsonInt64 id) throw new ReplicaException(ErrorCode.TypeMismatch, $"'getMore' takes a cursor id (a 64-bit integer), got {command[0].BsonType}");
        if (!command.TryGetValue("collection", out var collection) || !collection.IsString)
            throw new ReplicaException(ErrorCode.TypeMismatch, "'getMore' needs 'collection', the cursor's collection name");
        var next = cursors.Next(id.Value, $"{request.Db}.{collection.AsString}", BatchSize(command, command), DateTime.UtcNow);
        return CommandReply.Success(new BsonDocument("cursor", next)).Body;
    }

    public BsonDocument KillCursors(WireRequest request)
    {
        if (!request.Command.TryGetValue("cursors", out var ids) || !ids.IsBsonArray || ids.AsBsonArray.Any(i => i is not BsonInt64))
            throw new ReplicaException(ErrorCode.TypeMismatch, "'killCursors' needs 'cursors', an array of cursor ids (64-bit integers)");
        var requested = ids.AsBsonArray.Select(i => i.AsInt64).ToList();
        var streams = changeStreams.Kill(requested);
        var (killed, notFound) = cursors.Kill(requested.Except(streams));
        killed.AddRange(streams);
        return CommandReply.Success(new BsonDocument
        {
            { "cursorsKilled", new BsonArray(killed) },
            { "cursorsNotFound", new BsonArray(notFound) },
            { "cursorsAlive", new BsonArray() },
            { "cursorsUnknown", new BsonArray() },
        }).Body;
    }

    private static int? BatchSize(BsonDocument holder, BsonDocument command)
    {
        if (!holder.TryGetValue("batchSize", out var value) || value.IsBsonNull) return null;
        if (!value.IsNumeric || value.ToDouble() < 0 || value.ToDouble() > int.MaxValue)
            throw new ReplicaException(ErrorCode.BadValue, $"'{command.GetElement(0).Name}': batchSize must be a non-negative number, got {value}");
        return value.ToInt32();
    }

    private static void CopyReadOptions(BsonDocument from, BsonDocument to)
    {
        foreach (var field in ReadOptions)
            if (from.TryGetValue(field, out var value)) to[field] = value;
    }

    private static BsonDocument Cursor(BsonDocument cursor) => CommandReply.Success(new BsonDocument("cursor", cursor)).Body;
}
